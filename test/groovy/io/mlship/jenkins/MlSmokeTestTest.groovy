package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

class MlSmokeTestTest extends PipelineTest {
    static final Map PASSED = [verdict   : 'passed', cases: [total: 5, passed: 5, failed: 0], failures: [],
                               latency   : [p50Ms: 12.1, p95Ms: 42.5, p99Ms: 80.2, maxMs: 95.0, meanMs: 15.3, count: 200],
                               junitFile : 'build/smoke-junit.xml',
                               reportFile: '.mlship/steps/mlSmokeTest-1/smoke-report.html']

    @Test
    void runsTheGateAndReturnsVerdictFiguresAndPaths() {
        agent.answers.smoke = [exitCode: 0, fields: PASSED]

        Map result = agent.run('mlSmokeTest_staging') as Map

        assertEquals([spec     : 'mlship.yaml', env: 'staging', target: 'http://127.0.0.1:18080',
                      junit    : 'build/smoke-junit.xml', canary: false, resultDir: '.mlship/steps/mlSmokeTest-1'], agent.runs[0].params)
        assertEquals('smoke', agent.runs[0].command)
        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertEquals(agent.resultOf(agent.runs[0]), result)
        assertEquals('passed', result.verdict)
        assertEquals('.mlship/steps/mlSmokeTest-1/smoke-report.html', result.reportFile)
        assertTrue(agent.echoes.contains('gate passed: p95 42.5 ms, JUnit in build/smoke-junit.xml'), agent.echoes.toString())
    }

    @Test
    void everyOptionReachesTheCliByName() {
        binding.setVariable('stepArgs', [env: 'prod', spec: 'ci/mlship.yaml', target: 'vertex', cases: 'smoke/canary.jsonl',
                                         junit: 'out/j.xml', report: 'out/r.html', baseline: 'https://reco.internal',
                                         modelVersionId: '7'])
        agent.answers.smoke = [exitCode: 0, fields: PASSED]

        agent.run('mlSmokeTest_args')

        assertEquals([spec : 'ci/mlship.yaml', env: 'prod', target: 'vertex', cases: 'smoke/canary.jsonl', junit: 'out/j.xml',
                      report: 'out/r.html', baseline: 'https://reco.internal', modelVersionId: '7',
                      canary: false, resultDir: '.mlship/steps/mlSmokeTest-1'], agent.runs[0].params)
    }

    @Test
    void failedGateFailsTheBuildSayingWhatWasWrongNothingWasRolledBackAndWhereTheReportsAre() {
        agent.failNext('smoke', 1, [category: 'gateFailed',
                                    message : "smoke gate failed against http://127.0.0.1:18080: 1 of 5 cases failed " +
                                            "(first: 'lipstick search returns lipsticks' \$.items[0].category: expected \"lipstick\", got \"face wash\")",
                                    hint    : 'failed expectations are in .mlship/steps/mlSmokeTest-1/smoke.json, JUnit XML in build/smoke-junit.xml'])

        String message = agent.failure('mlSmokeTest_staging')

        assertEquals("[mlSmokeTest] gate failed (nothing was rolled back: what was tested still serves; mlRelease rolls back): smoke gate failed against http://127.0.0.1:18080: " +
                "1 of 5 cases failed (first: 'lipstick search returns lipsticks' \$.items[0].category: expected \"lipstick\", " +
                "got \"face wash\")\nHint: failed expectations are in .mlship/steps/mlSmokeTest-1/smoke.json, " +
                'JUnit XML in build/smoke-junit.xml', message)
        assertEquals(1, agent.runs.size())
    }

    @Test
    void badCasesFileIsReportedWithItsLine() {
        agent.failNext('smoke', 2, [category: 'badInput', message: 'cases file smoke/cases.yaml has 1 problem',
                                    problems: [[path: "case 'a'.expect.json[0].path", line: 4,
                                                message: "'\$.items[' is not a valid JSONPath"]],
                                    hint    : 'fix them; nothing was sent to the target'])

        String message = agent.failure('mlSmokeTest_staging')

        assertEquals("[mlSmokeTest] bad input: cases file smoke/cases.yaml has 1 problem\n" +
                "  case 'a'.expect.json[0].path (line 4): '\$.items[' is not a valid JSONPath\n" +
                'Hint: fix them; nothing was sent to the target', message)
    }

    @Test
    void missingEnvAndMisspeltKeysAreReportedBeforeAnythingRuns() {
        binding.setVariable('stepArgs', [junitt: 'a.xml'])

        String message = agent.failure('mlSmokeTest_args')

        assertTrue(message.startsWith("[mlSmokeTest] unknown parameter 'junitt' — did you mean 'junit'?\n"), message)
        assertTrue(message.contains("missing required parameter 'env'"), message)
        assertTrue(message.endsWith('allowed parameters: baseline, caFile, canary, cases, cli, env, imageDigest, junit, loadAfterFailedCases, modelVersionId, repoRoot, report, sandbox, spec, stepsDir, target'), message)
        assertTrue(agent.shCalls.isEmpty())
    }
}
