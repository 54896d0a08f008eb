package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The result fields a step's metadata documents are the ones the CLI writes: checked on real result files of
 * the commands that need no cloud (a field documented but never written is what a Jenkinsfile reads as null).
 */
class ResultFieldsTest {
    /** Fields every result file has; the generated docs name them once for all steps. */
    private static final Set<String> COMMON = Set.of("command", "status", "exitCode", "startedAt");

    @TempDir
    Path tmp;

    @Test
    void validateWritesWhatMlValidateDocuments() throws IOException {
        for (String example : new String[] {"reco-service", "model-only", "monorepo/services/reco", "monorepo/services/search"}) {
            Path out = tmp.resolve(example);
            CliRun run = CliRun.of(out, "validate", "--spec", "examples/" + example + "/mlship.yaml", "--result-dir", out.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();

            assertThat(fields(run.result("validate"))).as(example).isEqualTo(documented("mlValidate"));
        }
    }

    @Test
    void renderWritesWhatMlRenderDocuments() throws IOException {
        Path out = tmp.resolve("render");
        CliRun run = CliRun.of(out, "render", "--spec", "examples/reco-service/mlship.yaml", "--env", "staging",
                "--image-digest", "sha256:" + "ab".repeat(32), "--output", out.resolve("staging.yaml").toString(),
                "--result-dir", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        assertThat(fields(run.result("render"))).isEqualTo(documented("mlRender"));
    }

    private static Set<String> fields(JsonNode result) {
        Set<String> names = new TreeSet<>();
        result.fieldNames().forEachRemaining(names::add);
        names.removeAll(COMMON);
        return names;
    }

    private static Set<String> documented(String step) throws IOException {
        Set<String> names = new TreeSet<>();
        for (JsonNode r : new ObjectMapper().readTree(Path.of("resources/io/mlship/steps", step + ".json").toFile()).path("results")) {
            names.add(r.path("name").asText());
        }
        return names;
    }
}
