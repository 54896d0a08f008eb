package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals

import org.junit.jupiter.api.Test

/** mlPromoteModel as Jenkins runs it: CPS-transformed, with its state serialized between steps. */
class MlPromoteModelCpsTest extends CpsPipelineTest {

    @Test
    void manualPromotionRunsUnderCps() {
        binding.setVariable('params', [MODEL_VERSION: 'v3'])
        helper.registerAllowedMethod('input', [Map], { Map args -> null })
        agent.answers.promote = [exitCode: 0, fields: MlPromoteModelTest.PROMOTED]

        Map results = agent.run('mlPromoteModel_manual') as Map

        assertEquals(['v3', null], agent.runs*.params*.modelVersion)
        assertEquals([false, true], agent.runs*.params*.shift)
        assertEquals(agent.resultOf(agent.runs[0]), results.promoted)
        assertEquals(results, helper.roundtripSerialization(results))
    }
}
