package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

class MlBuildImageTest extends PipelineTest {
    static final String DIGEST = 'sha256:' + 'ab' * 32
    static final String SHA = '3f1c2b9d8e7a6f5041322314a5b6c7d8e9f00112'
    static final Map BUILT = [digest     : DIGEST, image: 'europe-west4-docker.pkg.dev/ds-artifacts/ds-images/reco-service',
                              imageRef   : 'europe-west4-docker.pkg.dev/ds-artifacts/ds-images/reco-service@' + DIGEST,
                              tags       : [SHA, 'branch-main', '1.4.0'], pushed: true,
                              layers     : [[name: 'base', digest: 'sha256:' + '01' * 32, size: 30000000, pushed: false],
                                            [name: 'app', digest: 'sha256:' + '02' * 32, size: 12102, pushed: true]],
                              bytesUploaded: 12860]

    @BeforeEach
    void checkout() {
        agent.env.GIT_COMMIT = SHA
        agent.env.BRANCH_NAME = 'main'
    }

    @Test
    void mainBranchBuildsPushesAndReturnsTheDigest() {
        agent.answers.build = [exitCode: 0, fields: BUILT]

        Map result = agent.run('mlBuildImage_main') as Map

        assertEquals([spec     : 'mlship.yaml', env: 'staging', push: true, gitSha: SHA, gitBranch: 'main',
                      versionTag: '1.4.0', resultDir: '.mlship/steps/mlBuildImage-1'], agent.runs[0].params)
        assertEquals([MLSHIP_CLI   : 'mlship', MLSHIP_COMMAND: 'build',
                      MLSHIP_PARAMS: '.mlship/steps/mlBuildImage-1/params.json'],
                agent.shCalls[1].env.findAll { k, v -> k.startsWith('MLSHIP_') })
        assertEquals(DIGEST, result.digest)
        assertTrue(agent.echoes.contains("built ${BUILT.imageRef} (1 layers uploaded)".toString()), agent.echoes.toString())
    }

    @Test
    void pullRequestBuildsWriteATarAndPushNothingByDefault() {
        agent.env.CHANGE_ID = '42'
        agent.env.CHANGE_BRANCH = 'feature/ranker-v2'
        agent.env.BRANCH_NAME = 'PR-42'
        binding.setVariable('stepArgs', [:])

        agent.run('mlBuildImage_args')

        assertEquals([spec     : 'mlship.yaml', push: false, gitSha: SHA, gitBranch: 'feature/ranker-v2',
                      resultDir: '.mlship/steps/mlBuildImage-1'], agent.runs[0].params)
    }

    @Test
    void anExplicitPushOrTarWins() {
        agent.env.CHANGE_ID = '42'
        binding.setVariable('stepArgs', [push: true, gitSha: 'abc1234', tar: 'build/image.tar'])

        agent.run('mlBuildImage_args')

        assertEquals([spec: 'mlship.yaml', push: true, tar: 'build/image.tar', gitSha: 'abc1234', gitBranch: 'main',
                      resultDir: '.mlship/steps/mlBuildImage-1'], agent.runs[0].params)
    }

    @Test
    void anUnreachableRegistryFailsTheBuildWithTheCliReason() {
        agent.failNext('build', 3, [category: 'infrastructure', message: 'cannot reach the registry: Connection refused',
                                    hint    : 'check the registry address and the agent\'s network'])

        String message = agent.failure('mlBuildImage_main')

        assertTrue(message.startsWith('[mlBuildImage] infrastructure error: cannot reach the registry: Connection refused'), message)
    }

    @Test
    void wrongTypesAndUnknownKeysAreRejectedBeforeAnythingRuns() {
        binding.setVariable('stepArgs', [push: 'yes', baseImg: 'scratch'])

        String message = agent.failure('mlBuildImage_args')

        assertTrue(message.contains("unknown parameter 'baseImg' — did you mean 'baseImage'?"), message)
        assertTrue(message.contains("parameter 'push' must be a boolean, not String"), message)
        assertTrue(agent.shCalls.isEmpty())
    }
}
