package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class MlReleaseTest extends PipelineTest {
    static final String DIGEST = 'sha256:4f5e6d7c8b9a00112233445566778899aabbccddeeff00112233445566778899'
    static final Map RELEASED = [environment : 'staging', status: 'released', imageDigest: DIGEST, modelVersionId: '3',
                                 approvedBy  : null, stages: [[name: 'deploy', status: 'passed', seconds: 12.5, exitCode: 0]],
                                 junitFiles  : ['.mlship/steps/mlRelease-1/gate-service-junit.xml'],
                                 recordFile  : '.mlship/steps/mlRelease-1/release-record.json',
                                 reportFile  : '.mlship/steps/mlRelease-1/release-report.html']

    final List<Map> junitCalls = []

    @BeforeEach
    void environment() {
        agent.env.GIT_COMMIT = '0123abcd'
        agent.env.BUILD_URL = 'https://jenkins.example.com/job/reco/job/main/42/'
        helper.registerAllowedMethod('junit', [Map], { Map args -> junitCalls << args })
    }

    @Test
    void releasesAndReturnsTheRecord() {
        agent.answers.release = [exitCode: 0, fields: RELEASED]

        Map result = agent.run('mlRelease_staging') as Map

        Map run = agent.runs[0]
        assertEquals('release', run.command)
        assertEquals([spec     : 'mlship.yaml', env: 'staging', imageDigest: DIGEST, modelVersion: 'v2', canary: 20,
                      gitSha   : '0123abcd', buildUrl: 'https://jenkins.example.com/job/reco/job/main/42/',
                      resultDir: '.mlship/steps/mlRelease-1'], run.params)
        assertEquals(agent.resultOf(run), result)
        assertTrue(agent.echoes.contains("released ${DIGEST} with model version 3: released".toString()), agent.echoes.toString())
        assertEquals(1, junitCalls.size(), 'the pipeline publishes the gate results, the step does not')
    }

    @Test
    void aFailedGateFailsTheBuildWithTheReasonAndTheResultsStillPublish() {
        agent.failNext('release', 1, [category: 'gateFailed',
                                      message : "gate-vertex failed: case 'lipstick' top-3 ids [12, 40, 7] miss 31; " +
                                              'rolled back: service revision 6 and model version 2 at 100% serve again',
                                      hint    : 'see the smoke report; nothing of this release is serving'])

        String message = agent.failure('mlRelease_staging')

        assertTrue(message.startsWith("[mlRelease] gate failed (rolled back): gate-vertex failed: case 'lipstick'"), message)
        assertTrue(message.contains('model version 2 at 100% serve again'), message)
        assertTrue(message.contains('Hint: see the smoke report'), message)
        assertEquals(1, junitCalls.size(), 'a rolled-back release still shows its gate results')
    }

    @Test
    void aFailedRollbackSaysAPersonMustLook() {
        binding.setVariable('stepArgs', [env: 'prod', modelVersion: 'v3', approvedBy: 'alice'])
        agent.failNext('release', 4, [category: 'rollbackFailed', message: 'rollback-model failed: endpoint reco-prod unreachable'])

        String message = agent.failure('mlRelease_args')

        assertTrue(message.startsWith('[mlRelease] rollback FAILED — a person must look: rollback-model failed'), message)
        assertEquals('alice', agent.runs[0].params.approvedBy)
    }

    @Test
    void booleansAndLockReachTheCliAsSuch() {
        binding.setVariable('stepArgs', [env: 'prod', skipService: true, lock: 'none', modelVersion: 'v3'])
        agent.answers.release = [exitCode: 0, fields: RELEASED]

        agent.run('mlRelease_args')

        assertTrue(agent.runs[0].paramsText.contains('"skipService":true'), agent.runs[0].paramsText)
        assertEquals('none', agent.runs[0].params.lock)
    }

    @Test
    void aTypoIsCaughtBeforeTheCliRuns() {
        binding.setVariable('stepArgs', [env: 'prod', modelVerison: 'v3'])

        String message = agent.failure('mlRelease_args')

        assertTrue(message.startsWith("[mlRelease] unknown parameter 'modelVerison' — did you mean 'modelVersion'?"), message)
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void forceUngatedWithAReasonReachesTheCli() {
        binding.setVariable('stepArgs', [env: 'prod', imageDigest: DIGEST, forceUngated: true, reason: 'hotfix for INC-4711, staging is down'])
        agent.answers.release = [exitCode: 0, fields: RELEASED]

        agent.run('mlRelease_args')

        assertTrue(agent.runs[0].paramsText.contains('"forceUngated":true'), agent.runs[0].paramsText)
        assertEquals('hotfix for INC-4711, staging is down', agent.runs[0].params.reason)
    }

    @Test
    void forceUngatedWithoutAReasonFailsBeforeTheCliRuns() {
        for (Map args : [[env: 'prod', forceUngated: true], [env: 'prod', forceUngated: true, reason: '  ']]) {
            agent.errors.clear()
            binding.setVariable('stepArgs', args)

            String message = agent.failure('mlRelease_args')

            assertTrue(message.startsWith("[mlRelease] parameter 'forceUngated' needs 'reason' as well: Why the release goes ahead"), message)
            assertTrue(agent.shCalls.isEmpty())
        }
    }

    @Test
    void forceUngatedFalseNeedsNoReason() {
        binding.setVariable('stepArgs', [env: 'prod', modelVersion: 'v3', forceUngated: false])
        agent.answers.release = [exitCode: 0, fields: RELEASED]

        agent.run('mlRelease_args')

        assertEquals(false, agent.runs[0].params.forceUngated)
    }
}
