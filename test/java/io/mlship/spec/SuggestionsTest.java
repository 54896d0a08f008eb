package io.mlship.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private final Suggestions suggestions = new Suggestions();
    private final List<String> keys = List.of("replicas", "ingress", "image", "rollout", "resources");

    @Test
    void suggestsTheClosestKeyForATypo() {
        assertThat(suggestions.closest("ingres", keys)).contains("ingress");
        assertThat(suggestions.closest("replicsa", keys)).contains("replicas");
        assertThat(suggestions.closest("Rollout", keys)).contains("rollout");
    }

    @Test
    void listsAllowedKeysWhenNothingIsClose() {
        assertThat(suggestions.closest("zzzzzz", keys)).isEmpty();
        assertThat(suggestions.hint("zzzzzz", keys)).isEqualTo("allowed: image, ingress, replicas, resources, rollout");
    }
}
