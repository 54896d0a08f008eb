package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlship.result.MlshipException;
import io.mlship.spec.ImageDigest;
import io.mlship.state.GateVerdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromoteFromTest {
    static final String OLD = "sha256:" + "a1".repeat(32);
    static final String NEW = "sha256:" + "b2".repeat(32);
    static final String NEVER = "sha256:" + "c3".repeat(32);
    /** Newest first, as the gate verdicts keep them: the last release to staging carried only a model. */
    static final List<GateVerdict> STAGING = List.of(
            new GateVerdict("m-3", "2026-12-03T10:00:00Z", null, "v3", "3", null, null),
            new GateVerdict("r-2", "2026-12-02T10:00:00Z", NEW, "v2", "2", null, null),
            new GateVerdict("r-1", "2026-12-01T10:00:00Z", OLD, "v1", "1", null, null));

    @Test
    void givenNothingItTakesTheNewestThatPassedOfEachPart() {
        PromoteFrom.Choice c = new PromoteFrom("staging", STAGING, null).choose(null, null, null, true, true);

        assertThat(c.imageDigest()).isEqualTo(new ImageDigest(NEW));
        assertThat(c.modelVersion()).isEqualTo("v3");
        assertThat(c.passedIn()).isEqualTo("r-2");
        assertThat(c.forcedReason()).isNull();
    }

    @Test
    void anOlderDigestThatPassedIsAllowedOneThatNeverDidIsRefusedUnlessForced() {
        PromoteFrom gate = new PromoteFrom("staging", STAGING, null);
        assertThat(gate.choose(new ImageDigest(OLD), "v1", null, true, true).passedIn()).isEqualTo("r-1");

        assertThatThrownBy(() -> gate.choose(new ImageDigest(NEVER), null, null, true, true))
                .isInstanceOf(MlshipException.class).hasMessageContaining("image " + NEVER + " has not passed staging's gate");
        assertThatThrownBy(() -> gate.choose(null, "v9", null, true, true))
                .hasMessageContaining("model version v9 has not passed staging's gate (the last that did: v3)");
        assertThatThrownBy(() -> gate.choose(null, null, "gs://b/reco/v9/", false, true)).hasMessageContaining("--artifacts names a folder");

        PromoteFrom.Choice forced = new PromoteFrom("staging", STAGING, "hotfix INC-7").choose(new ImageDigest(NEVER), null, null, true, false);
        assertThat(forced.imageDigest()).isEqualTo(new ImageDigest(NEVER));
        assertThat(forced.forcedReason()).isEqualTo("hotfix INC-7");
    }

    @Test
    void nothingPassedYetSaysToReleaseToTheSourceFirst() {
        assertThatThrownBy(() -> new PromoteFrom("staging", List.of(), null).choose(null, null, null, true, false))
                .hasMessageContaining("no image has passed staging's gate yet")
                .extracting(e -> ((MlshipException) e).hint()).asString().contains("mlship release --env staging");
    }
}
