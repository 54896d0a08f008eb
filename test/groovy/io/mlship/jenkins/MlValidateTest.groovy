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
                '  allowed parameters: cli, env, spec', message)
        assertTrue(agent.shCalls.isEmpty())
        assertTrue(agent.files.isEmpty())
    }
}
