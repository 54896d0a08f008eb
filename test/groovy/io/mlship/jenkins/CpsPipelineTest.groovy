package io.mlship.jenkins

import org.junit.jupiter.api.BeforeEach

import com.lesfurets.jenkins.unit.cps.BasePipelineTestCPS

/**
 * Like {@link PipelineTest}, but scripts and library are CPS-transformed as in Jenkins, and each step
 * inside a closure body (withEnv, dir) is run with a serialization round trip of the program state.
 */
abstract class CpsPipelineTest extends BasePipelineTestCPS {
    FakeAgent agent = new FakeAgent()

    CpsPipelineTest() {
        helper = new MemoizingCpsHelper()
    }

    @BeforeEach
    void setUpPipeline() {
        setUp()
        agent.install(this)
    }
}
