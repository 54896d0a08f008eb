package io.mlship.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepReferenceTest {
    private final StepReference reference = new StepReference(new ObjectMapper());

    /** The committed docs are what the metadata generates; run bin/generate-docs after changing a step. */
    @Test
    void committedDocsAreUpToDate() throws Exception {
        List<StepMetadata> steps = reference.load(Path.of("resources/io/mlship/steps"));
        assertThat(steps).isNotEmpty();
        Map<Path, String> generated = reference.render(steps);
        for (Map.Entry<Path, String> e : generated.entrySet()) {
            assertThat(e.getKey()).as("generated file").exists();
            assertThat(Files.readString(e.getKey()))
                    .as("%s is stale: run bin/generate-docs and commit the result", e.getKey())
                    .isEqualTo(e.getValue());
        }
    }

    @Test
    void everyStepScriptHasMetadataAndEveryMetadataAScript() throws Exception {
        List<String> withMetadata = reference.load(Path.of("resources/io/mlship/steps")).stream().map(StepMetadata::name).sorted().toList();
        List<String> scripts;
        try (var files = Files.list(Path.of("vars"))) {
            scripts = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".groovy"))
                    .map(n -> n.substring(0, n.length() - ".groovy".length())).sorted().toList();
        }
        assertThat(withMetadata).isEqualTo(scripts);
    }

    @Test
    void codeSpansBecomeHtmlAndMarkupIsEscaped() {
        assertThat(StepReference.html("use `a<b>` & more")).isEqualTo("use <code>a&lt;b&gt;</code> &amp; more");
    }
}
