package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue
import static org.junit.jupiter.params.provider.Arguments.arguments

import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.Arguments
import org.junit.jupiter.params.provider.MethodSource
import org.junit.jupiter.params.provider.ValueSource

/** Each non-zero exit code of the CLI, for each step, becomes one clear `error`. */
class StepFailureTest extends PipelineTest {
    static final Map ARGS = [
            mlValidate: [spec: 'mlship.yaml'],
            mlRender  : [env: 'prod', imageDigest: 'sha256:' + 'cd' * 32],
    ]
    static final Map COMMAND = [mlValidate: 'validate', mlRender: 'render']

    static List<Arguments> failures() {
        List<Arguments> cases = []
        for (String step in ['mlValidate', 'mlRender']) {
            cases.addAll(failuresOf(step))
        }
        return cases
    }

    private static List<Arguments> failuresOf(String step) {
        List<Arguments> cases = []
        cases << failure(step, 2,
                [category: 'badInput', message: 'mlship.yaml has 2 problems',
                 hint    : 'run `mlship validate --spec mlship.yaml` locally to see them with context',
                 problems: [[path: 'deploy.ingres', line: 12, message: 'unknown key', hint: "did you mean 'ingress'?"],
                            [path: 'environments.prod.region', message: 'missing']]],
                "[$step] bad input: mlship.yaml has 2 problems\n" +
                        "  deploy.ingres (line 12): unknown key — did you mean 'ingress'?\n" +
                        '  environments.prod.region: missing\n' +
                        'Hint: run `mlship validate --spec mlship.yaml` locally to see them with context')
        cases << failure(step, 1,
                [category: 'rolloutFailed', message: 'Deployment reco: ProgressDeadlineExceeded; previous spec restored'],
                "[$step] rollout failed (rolled back): Deployment reco: ProgressDeadlineExceeded; previous spec restored")
        cases << failure(step, 1,
                [category: 'gateFailed', message: 'p95 latency 840 ms > 300 ms', hint: 'see .mlship/out/gate.json'],
                "[$step] gate failed (rolled back): p95 latency 840 ms > 300 ms\nHint: see .mlship/out/gate.json")
        cases << failure(step, 3,
                [category: 'infrastructure', message: 'GKE API unreachable: connect timed out',
                 hint    : 'check the agent can reach the cluster'],
                "[$step] infrastructure error: GKE API unreachable: connect timed out\n" +
                        'Hint: check the agent can reach the cluster')
        cases << failure(step, 4,
                [category: 'rollbackFailed', message: 'could not restore Deployment reco: forbidden'],
                "[$step] rollback FAILED — a person must look: could not restore Deployment reco: forbidden")
        cases << failure(step, 70,
                [category: 'internal', message: 'NullPointerException in RenderCommand'],
                "[$step] mlship failed with exit code 70: NullPointerException in RenderCommand")
        cases << failure(step, 3, null,
                "[$step] infrastructure error: no errorDetails in the result file")
        return cases
    }

    /** Typed, so the expected message becomes a String (JUnit does not convert GStrings). */
    private static Arguments failure(String step, int exitCode, Map errorDetails, String expected) {
        return arguments(step, exitCode, errorDetails, expected)
    }

    @ParameterizedTest(name = '{0} exit {1}: {3}')
    @MethodSource('failures')
    void nonZeroExitBecomesAnError(String step, int exitCode, Map errorDetails, String expected) {
        binding.setVariable('stepArgs', ARGS[step])
        agent.failNext(COMMAND[step] as String, exitCode, errorDetails)

        assertEquals(expected, agent.failure(step + '_args'))
        assertEquals(1, agent.runs.size())
        assertTrue(agent.errors == [expected], 'exactly one error call')
    }

    @ParameterizedTest
    @ValueSource(strings = ['mlValidate', 'mlRender'])
    void missingResultFileIsReportedWithItsPath(String step) {
        binding.setVariable('stepArgs', ARGS[step])
        agent.answers[COMMAND[step]] = [exitCode: 3, writeResult: false]

        assertEquals(("[${step}] mlship exited 3 without a result file (.mlship/steps/${step}-1/${COMMAND[step]}.json); " +
                'see the console log above').toString(), agent.failure(step + '_args'))
    }

    @ParameterizedTest
    @ValueSource(strings = ['mlValidate', 'mlRender'])
    void cliOfAnotherVersionNeverRuns(String step) {
        binding.setVariable('stepArgs', ARGS[step] + [cli: [path: '/x/mlship']])
        agent.versionOutput = 'mlship 0.0.9\n'

        String message = agent.failure(step + '_args')

        assertTrue(message.startsWith("[${step}] mlship CLI 0.0.9 at /x/mlship does not match library version 0.1.0; "),
                message)
        assertTrue(agent.runs.isEmpty())
    }
}
