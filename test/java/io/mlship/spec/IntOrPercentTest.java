package io.mlship.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class IntOrPercentTest {
    @Test
    void wholeNumbersWrittenAsDecimalsBecomeTheIntegerTheyAre() {
        // Found by SpecLoaderFuzzTest: "maxUnavailable: -0.0" passed the schema and broke the manifest renderer.
        DeploySpec.DisruptionBudget budget = new DeploySpec.DisruptionBudget(null, "-0.0");
        assertEquals("0", budget.maxUnavailable());
        assertNull(budget.minAvailable());
        DeploySpec.Rollout rollout = new DeploySpec.Rollout("5m", 600, null, "1.0", "2e0");
        assertEquals("1", rollout.maxSurge());
        assertEquals("2", rollout.maxUnavailable());
    }

    @Test
    void percentagesAndOtherTextAreLeftForTheSchemaToJudge() {
        assertEquals("25%", IntOrPercent.normalized("25%"));
        assertEquals("1.5", IntOrPercent.normalized("1.5"));
        assertEquals("many", IntOrPercent.normalized("many"));
        assertEquals("3", IntOrPercent.normalized("3"));
    }
}
