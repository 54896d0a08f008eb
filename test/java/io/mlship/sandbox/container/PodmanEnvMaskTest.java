package io.mlship.sandbox.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A failed podman start is reported without the env's values (a Secret's value may be one of them). */
class PodmanEnvMaskTest {
    @Test
    void envValuesAreLeftOutOfTheShownCommand() {
        List<String> shown = Podman.withoutEnvValues(List.of("podman", "run", "--env", "QDRANT_API_KEY=s3cret=x", "--env", "HOST",
                "--name", "a=b", "image"));
        assertThat(shown).containsExactly("podman", "run", "--env", "QDRANT_API_KEY=…", "--env", "HOST", "--name", "a=b", "image");
        assertThat(String.join(" ", shown)).doesNotContain("s3cret");
    }
}
