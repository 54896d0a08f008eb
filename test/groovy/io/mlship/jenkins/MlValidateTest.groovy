package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

class MlValidateTest extends PipelineTest {

    @Test
    void validatesOneEnvironmentAndReturnsTheResultFile() {
        Map result = agent.run('mlValidate_staging') as Map

        assertEquals(1, agent.runs.size())
        Map run = agent.runs[0]
        assertEquals([spec: 'ci/mlship.yaml', env: 'staging', resultDir: '.mlship/steps/mlValidate-1'], run.params)
        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertEquals([MLSHIP_CLI    : 'mlship', MLSHIP_COMMAND: 'validate',
                      MLSHIP_PARAMS : '.mlship/steps/mlValidate-1/params.json'],
                agent.shCalls[1].env.findAll { k, v -> k.startsWith('MLSHIP_') })
        assertEquals(agent.resultOf(run), result)
        assertEquals(true, result.valid)
        assertEquals(['staging'], result.environments)
        assertTrue(agent.echoes.contains('spec valid for [staging]'))
    }

    @Test
    void withoutArgumentsValidatesTheDefaultSpecForAllEnvironments() {
        Map result = agent.run('mlValidate_defaults') as Map

        assertEquals([spec: 'mlship.yaml', resultDir: '.mlship/steps/mlValidate-1'], agent.runs[0].params)
        assertEquals(['staging', 'prod'], result.environments)
    }

    @Test
    void unknownKeyIsRejectedWithASuggestionBeforeAnythingRuns() {
        String message = agent.failure('mlValidate_typo')

        assertEquals("[mlValidate] unknown parameter 'evn' — did you mean 'env'?\n" +
                '  allowed parameters: cli, env, repoRoot, spec, stepsDir', message)
        assertTrue(agent.shCalls.isEmpty())
        assertTrue(agent.files.isEmpty())
    }

    @Test
    void unknownKeyWithoutAPlausibleSuggestionStillListsTheAllowedKeys() {
        binding.setVariable('stepArgs', [spec: 'mlship.yaml', timeoutMinutes: 5])

        assertEquals("[mlValidate] unknown parameter 'timeoutMinutes'\n  allowed parameters: cli, env, repoRoot, spec, stepsDir",
                agent.failure('mlValidate_args'))
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void positionalArgumentIsExplained() {
        String message = agent.failure('mlValidate_positional')

        assertTrue(message.startsWith('[mlValidate] takes named parameters, not a String; for example:\n' +
                "def check = mlValidate(spec: 'mlship.yaml', env: 'staging')"), message)
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void wrongTypeIsRejected() {
        binding.setVariable('stepArgs', [env: 3])

        assertEquals("[mlValidate] parameter 'env' must be a string, not Integer", agent.failure('mlValidate_args'))
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void missingResultFileFailsTheStepEvenOnExitZero() {
        agent.answers.validate = [exitCode: 0, writeResult: false]

        assertEquals('[mlValidate] mlship exited 0 without a result file (.mlship/steps/mlValidate-1/validate.json); ' +
                'see the console log above', agent.failure('mlValidate_defaults'))
    }

    @Test
    void missingResultFileAfterAFailureNamesTheExitCode() {
        agent.answers.validate = [exitCode: 3, writeResult: false]

        assertEquals('[mlValidate] mlship exited 3 without a result file (.mlship/steps/mlValidate-1/validate.json); ' +
                'see the console log above', agent.failure('mlValidate_defaults'))
    }

    @Test
    void unreadableResultFileIsReported() {
        agent.answers.validate = [exitCode: 4, rawResult: 'Exception in thread "main" java.lang.OutOfMemoryError']

        assertEquals('[mlValidate] mlship exited 4 without a readable result file ' +
                '(.mlship/steps/mlValidate-1/validate.json: not valid JSON); see the console log above',
                agent.failure('mlValidate_defaults'))
    }

    @Test
    void resultLeftByAnEarlierBuildIsNeverUsed() {
        // An earlier build of this job left a successful result in the same directory.
        agent.files['/ws/.mlship/steps/mlValidate-1/validate.json'] =
                '{"command":"validate","status":"succeeded","exitCode":0,"valid":true}'
        agent.files['/ws/.mlship/steps/mlValidate-1/params.json'] = '{}'
        agent.files['/ws/mlship.yaml'] = 'service: reco'
        agent.answers.validate = [exitCode: 3, writeResult: false]

        assertEquals('[mlValidate] mlship exited 3 without a result file (.mlship/steps/mlValidate-1/validate.json); ' +
                'see the console log above', agent.failure('mlValidate_defaults'))
        assertEquals('service: reco', agent.files['/ws/mlship.yaml'])
    }

    @Test
    void cliOfAnotherVersionIsRefusedBeforeItRuns() {
        agent.versionOutput = 'mlship 0.0.9\n'

        assertEquals("[mlValidate] mlship CLI 0.0.9 at 'mlship' on PATH does not match library version 0.1.0; " +
                'install mlship 0.1.0 there, point cli.path or MLSHIP_CLI at a 0.1.0 CLI, or use cli.jar; ' +
                "or load the library that matches the CLI with @Library('mlship@0.0.9')",
                agent.failure('mlValidate_defaults'))
        assertEquals([Scripts.VERSION_EXEC], agent.scriptsRun())
    }

    @Test
    void cliThatDoesNotAnswerItsVersionIsReported() {
        agent.versionOutput = ''   // `mlship: not found` went to stderr

        String message = agent.failure('mlValidate_defaults')

        assertTrue(message.startsWith("[mlValidate] could not get the version of the mlship CLI at 'mlship' on PATH: " +
                "expected 'mlship <version>' as the first line of its --version output, got ''."), message)
        assertTrue(message.contains('Install mlship 0.1.0 on the agent'), message)
        assertEquals([Scripts.VERSION_EXEC], agent.scriptsRun())
    }

    @Test
    void cliIsCheckedOncePerDirectoryAndEachCallGetsItsOwnResultDirectory() {
        List results = agent.run('several_calls') as List

        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC, Scripts.RUN_EXEC, Scripts.RUN_EXEC,
                      Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertEquals(['/ws', '/ws', '/ws', '/ws', '/ws/services/reco', '/ws/services/reco'], agent.shCalls*.cwd)
        assertEquals(['.mlship/steps/mlValidate-1', '.mlship/steps/mlValidate-2', '.mlship/steps/mlRender-3',
                      '.mlship/steps/mlValidate-4'], agent.runs*.params*.resultDir)
        assertEquals([['staging', 'prod'], ['prod']], results[0..1]*.environments)
        assertEquals(2, agent.echoes.count { it.startsWith('[mlValidate] using mlship 0.1.0') })
    }
}
