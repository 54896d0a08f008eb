package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals

import org.junit.jupiter.api.Test

/** mlBuildImage as Jenkins runs it: CPS-transformed, state serialized inside withEnv and dir bodies. */
class MlBuildImageCpsTest extends CpsPipelineTest {

    @Test
    void mlBuildImageRunsUnderCps() {
        agent.env.GIT_COMMIT = MlBuildImageTest.SHA
        agent.env.BRANCH_NAME = 'main'
        agent.answers.build = [exitCode: 0, fields: MlBuildImageTest.BUILT]

        Map result = agent.run('mlBuildImage_main') as Map

        assertEquals([spec     : 'mlship.yaml', env: 'staging', push: true, gitSha: MlBuildImageTest.SHA,
                      gitBranch: 'main', versionTag: '1.4.0', resultDir: '.mlship/steps/mlBuildImage-1'], agent.runs[0].params)
        assertEquals(MlBuildImageTest.DIGEST, result.digest)
        assertEquals(result, helper.roundtripSerialization(result))
    }
}
