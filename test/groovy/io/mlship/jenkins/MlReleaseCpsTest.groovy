package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals

import org.junit.jupiter.api.Test

/** mlRelease as Jenkins runs it: CPS-transformed, with its state serialized between steps. */
class MlReleaseCpsTest extends CpsPipelineTest {

    @Test
    void releaseRunsUnderCps() {
        agent.env.GIT_COMMIT = '0123abcd'
        agent.env.BUILD_URL = 'https://jenkins.example.com/job/reco/job/main/42/'
        helper.registerAllowedMethod('junit', [Map], { Map args -> null })
        agent.answers.release = [exitCode: 0, fields: MlReleaseTest.RELEASED]

        Map result = agent.run('mlRelease_staging') as Map

        assertEquals('v2', agent.runs[0].params.modelVersion)
        assertEquals(agent.resultOf(agent.runs[0]), result)
        assertEquals(result, helper.roundtripSerialization(result))
    }
}
