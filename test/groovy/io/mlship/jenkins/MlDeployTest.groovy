package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

class MlDeployTest extends PipelineTest {
    static final String DIGEST = 'sha256:4f5e6d7c8b9a00112233445566778899aabbccddeeff00112233445566778899'

    @Test
    void deploysAndReturnsRevisionsAndRolloutTime() {
        agent.answers.deploy = [exitCode: 0, fields: [namespace: 'reco', revision: '7', previousRevision: '6', rolloutSeconds: 41.5,
                                                      objectsApplied: ['Deployment/reco-service']]]

        Map result = agent.run('mlDeploy_staging') as Map

        Map run = agent.runs[0]
        assertEquals('deploy', run.command)
        assertEquals([spec      : 'mlship.yaml', env: 'staging', imageDigest: DIGEST, dryRun: false, rollback: false,
                      kubeconfig: 'secrets/kubeconfig', releaseId: 'reco-main-42', certificateTimeout: '5m',
                      ingressTimeout: '5m', resultDir: '.mlship/steps/mlDeploy-1'], run.params)
        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertEquals(agent.resultOf(run), result)
        assertEquals('7', result.revision)
        assertTrue(agent.echoes.contains('revision 7 (was 6) in 41.5s'), agent.echoes.toString())
    }

    @Test
    void dryRunIsABooleanPassedAsSuch() {
        binding.setVariable('stepArgs', [env: 'prod', imageDigest: DIGEST, dryRun: true])

        agent.run('mlDeploy_args')

        assertEquals(true, agent.runs[0].params.dryRun)
        assertTrue(agent.runs[0].paramsText.contains('"dryRun":true'), agent.runs[0].paramsText)
    }

    @Test
    void aFailedRolloutFailsTheBuildWithTheReason() {
        agent.failNext('deploy', 1, [category: 'rolloutFailed',
                                     message : "rollout of reco-service failed: container server exited 1: ModuleNotFoundError: ranker " +
                                             '(rolled back: the previous Deployment is running again)',
                                     hint    : 'fix the cause above and release again'])
        binding.setVariable('stepArgs', [env: 'staging', imageDigest: DIGEST])

        String message = agent.failure('mlDeploy_args')

        assertTrue(message.startsWith('[mlDeploy] rollout failed (rolled back): rollout of reco-service failed: ' +
                'container server exited 1: ModuleNotFoundError: ranker'), message)
        assertTrue(message.contains('fix the cause above'), message)
    }

    @Test
    void aFailedRollbackSaysAPersonMustLook() {
        agent.failNext('deploy', 4, [category: 'rollbackFailed', message: 'restoring the previous objects failed: forbidden',
                                     hint    : 'a person must look'])
        binding.setVariable('stepArgs', [env: 'staging', imageDigest: DIGEST])

        String message = agent.failure('mlDeploy_args')

        assertTrue(message.startsWith('[mlDeploy] rollback FAILED — a person must look'), message)
    }

    @Test
    void theDigestIsRequiredAndDryRunMustBeABoolean() {
        binding.setVariable('stepArgs', [env: 'staging', dryRun: 'yes'])

        String message = agent.failure('mlDeploy_args')

        assertTrue(message.contains("missing required parameter 'imageDigest'"), message)
        assertTrue(message.contains("parameter 'dryRun' must be a boolean, not String"), message)
        assertTrue(agent.shCalls.isEmpty())
    }
}
