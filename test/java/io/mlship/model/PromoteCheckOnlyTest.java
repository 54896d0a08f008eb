package io.mlship.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.SandboxInfo;
import io.mlship.sandbox.storage.StorageJsonApi;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * promote --check-only, as a pull request runs it: the trained model's folder is checked and its content digest
 * reported, and — with no model.evaluation to judge against prod — Vertex AI is never called (the sandbox here has
 * no emulator: its address is a closed port). {@code BlessingSandboxTest} covers the check with blessing.
 */
class PromoteCheckOnlyTest {
    static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();

    @TempDir
    Path tmp;
    Path state;
    StorageJsonApi storage;
    Path spec;

    @BeforeEach
    void storageOnly() throws Exception {
        state = tmp.resolve("sandbox");
        SandboxStateDir dir = new SandboxStateDir(state);
        Path bucket = dir.storageRoot().resolve("ds-training-output/reco-ranker");
        SpecFixtures.copyTree(EXAMPLE.resolve("training-output/reco-ranker/v2"), bucket.resolve("v2"));
        SpecFixtures.copyTree(EXAMPLE.resolve("training-output/reco-ranker/v2"), bucket.resolve("half-written"));
        Files.write(bucket.resolve("half-written/vocabulary.json"), new byte[0]);
        storage = StorageJsonApi.start(dir.storageRoot(), 0);
        Path repo = tmp.resolve("repo");
        SpecFixtures.copyTree(EXAMPLE, repo);
        spec = repo.resolve("mlship.yaml");
        String text = Files.readString(spec);
        String withoutBlessing = text.replaceAll("(?s)\n  # Blessing:.*?\n(?=smoke:)", "\n\n");
        assertThat(withoutBlessing).doesNotContain("evaluation:").isNotEqualTo(text);
        Files.writeString(spec, withoutBlessing);
        dir.write(new SandboxInfo("127.0.0.1:1", "http://127.0.0.1:1/", dir.storageRoot().toString(), storage.restUrl(), storage.url(),
                null, null,
                null, null, ProcessHandle.current().pid()));
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    CliRun check(String version) {
        Path out = tmp.resolve("out-" + version);
        return CliRun.of(out, "promote", "--spec", spec.toString(), "--env", "staging",
                "--model-version", version, "--check-only", "--sandbox", state.toString(), "--result-dir", out.toString(),
                "--record", out.resolve("record.json").toString());
    }

    @Test
    void aCompleteModelIsListedWithItsContentDigestAndNothingIsPromoted() {
        CliRun run = check("v2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = run.result("promote");
        assertThat(r.path("action").asText()).isEqualTo("check");
        assertThat(r.path("files").asInt()).isEqualTo(5);
        assertThat(r.path("bytes").asLong()).isPositive();
        assertThat(r.path("artifactDigest").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(r.path("artifacts").asText()).isEqualTo("gs://ds-training-output/reco-ranker/v2/");
        assertThat(run.err()).contains("checked only; nothing promoted");
        assertThat(tmp.resolve("out-v2/record.json")).as("no promotion record").doesNotExist();
    }

    @Test
    void aMissingOrHalfWrittenModelIsBadInputNamingWhatIsWrong() {
        CliRun missing = check("v9");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.result("promote").path("errorDetails").path("message").asText())
                .contains("no model files under gs://ds-training-output/reco-ranker/v9/");

        CliRun half = check("half-written");
        assertThat(half.exitCode()).isEqualTo(2);
        assertThat(half.result("promote").path("errorDetails").path("message").asText())
                .contains("empty model files").contains("vocabulary.json");
    }
}
