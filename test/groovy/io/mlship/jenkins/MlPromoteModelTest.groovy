package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class MlPromoteModelTest extends PipelineTest {
    static final Map PROMOTED = [action        : 'promote', modelVersionId: '3', reused: false,
                                 endpoint      : 'projects/ds-ml-prod/locations/europe-west4/endpoints/42',
                                 deployedModelId: '7', trafficSplit: ['5': 90, '7': 10]]

    @BeforeEach
    void parameters() {
        binding.setVariable('params', [MODEL_VERSION: 'v3'])
        helper.registerAllowedMethod('input', [Map], { Map args -> agent.echoes << "input: ${args.message}".toString() })
    }

    @Test
    void promotesWithCanaryThenShiftsAfterApproval() {
        agent.answers.promote = [exitCode: 0, fields: PROMOTED]

        Map results = agent.run('mlPromoteModel_manual') as Map

        assertEquals([spec: 'mlship.yaml', env: 'prod', modelVersion: 'v3', canary: 10, shift: false, rollback: false, checkOnly: false,
                      timeout: '30m', resultDir: '.mlship/steps/mlPromoteModel-1'], agent.runs[0].params)
        assertEquals([spec: 'mlship.yaml', env: 'prod', shift: true, rollback: false, checkOnly: false, timeout: '30m',
                      resultDir: '.mlship/steps/mlPromoteModel-2'], agent.runs[1].params)
        assertEquals(['promote', 'promote'], agent.runs*.command)
        assertEquals('3', results.promoted.modelVersionId)
        assertTrue(agent.echoes.contains('version 3 serves 10% on projects/ds-ml-prod/locations/europe-west4/endpoints/42'),
                agent.echoes.toString())
        assertTrue(agent.echoes.contains('input: Shift all traffic to version 3?'))
    }

    @Test
    void badInputFailsTheBuildWithEveryProblem() {
        binding.setVariable('stepArgs', [env: 'prod', canary: 150])
        agent.failNext('promote', 2, [category: 'BAD_INPUT', message: '--canary: 150 is outside 0-100',
                                      hint    : 'fix them and run again; nothing was changed',
                                      problems: [[severity: 'ERROR', path: '--canary', message: '150 is outside 0-100',
                                                  hint    : 'give the new version\'s traffic share in percent']]])

        String message = agent.failure('mlPromoteModel_args')

        assertTrue(message.startsWith('[mlPromoteModel] bad input: --canary: 150 is outside 0-100'), message)
        assertTrue(message.contains('150 is outside 0-100'), message)
    }

    @Test
    void timedOutOperationIsAnInfrastructureError() {
        binding.setVariable('stepArgs', [env: 'prod', modelVersion: 'v3', timeout: '10m'])
        agent.failNext('promote', 3, [category: 'INFRASTRUCTURE',
                                      message : 'timed out after 10m waiting for DeployModel of version 3 to reco-prod',
                                      hint    : 'run the same command again to resume waiting for it'])

        String message = agent.failure('mlPromoteModel_args')

        assertTrue(message.startsWith('[mlPromoteModel] infrastructure error: timed out after 10m'), message)
    }

    @Test
    void canaryMustBeAnInteger() {
        binding.setVariable('stepArgs', [env: 'prod', canary: '10%'])

        assertEquals("[mlPromoteModel] parameter 'canary' must be an integer, not String", agent.failure('mlPromoteModel_args'))
        assertTrue(agent.shCalls.isEmpty())
    }
}
