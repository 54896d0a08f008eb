package io.mlship.jenkins

import org.junit.jupiter.api.BeforeEach

import com.lesfurets.jenkins.unit.BasePipelineTest

/** Base of the pipeline tests: the library, loaded from source, on a {@link FakeAgent}. */
abstract class PipelineTest extends BasePipelineTest {
    FakeAgent agent = new FakeAgent()

    @BeforeEach
    void setUpPipeline() {
        setUp()
        agent.install(this)
    }
}
