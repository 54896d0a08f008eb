package io.mlship.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.sandbox.vertex.CallCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlship promote with the example's model.evaluation, on one sandbox with no model yet: --check-only writes the
 * blessing a pull request shows, and a candidate that misses the thresholds is refused having only read (the
 * emulator's counts), before any upload or DeployModel.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BlessingSandboxTest {
    static final String DIGEST = "sha256:" + "ab".repeat(32);

    Path tmp;
    Path state;
    Sandbox sandbox;
    CallCounter calls;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        state = tmp.resolve("sandbox");
        SandboxStateDir stateDir = new SandboxStateDir(state);
        PromoteSandboxTest.seedTrainingOutput(stateDir, "v1", "broken");
        sandbox = Sandbox.start(stateDir);
        sandbox.publish();
        calls = sandbox.vertex().calls();
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    CliRun promote(String name, String version, String... extra) {
        Path out = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("promote", "--spec",
                PromoteSandboxTest.EXAMPLE.resolve("mlship.yaml").toString(), "--env", "staging", "--model-version", version,
                "--image-digest", DIGEST, "--sandbox", state.toString(), "--result-dir", out.toString(),
                "--record", out.resolve("record.json").toString()));
        args.addAll(List.of(extra));
        return CliRun.of(out, args.toArray(String[]::new));
    }

    @Test
    void checkOnlyWritesTheBlessingAPullRequestShows() {
        calls.reset();
        CliRun run = promote("check-v1", "v1", "--check-only");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(calls.snapshot()).isEqualTo(Map.of("google.cloud.aiplatform.v1.ModelService/GetModel", 1L));
        JsonNode b = run.result("promote").path("blessing");
        assertThat(b.path("blessed").asBoolean()).isTrue();
        assertThat(b.path("metricsFile").asText()).isEqualTo("gs://ds-training-output/reco-ranker/v1/metrics.json");
        assertThat(b.has("prodVersion") && b.path("prodVersion").isNull()).as("prodVersion: null").isTrue();
        assertThat(b.path("overridden").asBoolean()).isFalse();
        assertThat(b.path("metrics")).anySatisfy(m -> {
            assertThat(m.path("name").asText()).isEqualTo("ndcg@10");
            assertThat(m.path("candidate").asDouble()).isEqualTo(0.8923);
            assertThat(m.path("prod").isNull()).isTrue();
            assertThat(m.path("delta").isNull()).isTrue();
        });
        assertThat(b.path("thresholds").get(0).path("detail").asText()).isEqualTo("0.8923 >= 0.8");
        assertThat(b.path("thresholds").get(1).path("detail").asText()).startsWith("skipped: no version holds 'prod' yet");
        assertThat(run.err()).contains("first release");
    }

    @Test
    void anUnblessedCandidateIsRefusedHavingOnlyRead() throws IOException {
        calls.reset();
        CliRun run = promote("broken", "broken");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(calls.snapshot()).isEqualTo(Map.of("google.cloud.aiplatform.v1.ModelService/GetModel", 1L));
        JsonNode r = run.result("promote");
        assertThat(r.path("errorDetails").path("category").asText()).isEqualTo("gateFailed");
        assertThat(r.path("errorDetails").path("message").asText()).contains("not blessed")
                .contains("ndcg@10 >= 0.8 (0.1138 is not >= 0.8)");
        assertThat(r.path("errorDetails").path("hint").asText()).contains("--override-blessing --reason");
        assertThat(r.path("blessing").path("blessed").asBoolean()).isFalse();
        assertThat(tmp.resolve("broken/record.json")).as("no promotion began").doesNotExist();
        assertThat(Files.readString(Path.of(r.path("blessingJunitFile").asText())))
                .contains("<failure message=\"0.1138 is not >= 0.8\"");
    }

    @Test
    void anOverrideNeedsAReason() {
        CliRun run = promote("no-reason", "broken", "--override-blessing");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("promote").path("errorDetails").path("message").asText())
                .isEqualTo("--override-blessing needs --reason");
    }
}
