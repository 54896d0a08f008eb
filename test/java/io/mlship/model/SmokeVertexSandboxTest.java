package io.mlship.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.ExampleImages;
import io.mlship.sandbox.vertex.ProjectNumbers;
import io.mlship.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlship smoke --target vertex against the sandbox's Vertex AI emulator, through the official PredictionServiceClient,
 * after mlship promote put the example's models on the endpoints. The tests build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SmokeVertexSandboxTest {
    static final Path EXAMPLE = PromoteSandboxTest.EXAMPLE;

    Path tmp;
    Path state;
    Path predictionCases;
    Sandbox sandbox;
    ExampleImages.Built image;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        state = tmp.resolve("sandbox");
        // The example's own prediction cases: the same file its release gates the endpoint with.
        predictionCases = EXAMPLE.resolve("smoke/prediction-cases.yaml");
        image = ExampleImages.example(tmp.resolve("image"));
        sandbox = PromoteSandboxTest.startWithExample(state, image, "v1", "v2", "broken");
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    /** The example's cases that are predictions (request.instances); its HTTP cases are for the service URL. */

    CliRun promote(Path resultDir, String env, String... extra) {
        List<String> args = new ArrayList<>(List.of("promote", "--spec", EXAMPLE.resolve("mlship.yaml").toString(),
                "--env", env, "--sandbox", state.toString(), "--result-dir", resultDir.toString(),
                "--record", resultDir.resolve("record.json").toString(), "--image-digest", image.digest(),
                "--git-sha", "0123456789abcdef0123456789abcdef01234567"));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(resultDir, args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    CliRun smoke(Path resultDir, String env, String... extra) {
        List<String> args = new ArrayList<>(List.of("smoke", "--spec", EXAMPLE.resolve("mlship.yaml").toString(),
                "--env", env, "--target", "vertex", "--sandbox", state.toString(), "--cases", predictionCases.toString(),
                "--result-dir", resultDir.toString()));
        args.addAll(List.of(extra));
        return CliRun.of(resultDir, args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void promotedV2PassesAndEveryAnswerComesFromThePromotedVersion() {
        Path out = tmp.resolve("staging");
        String version = promote(out, "staging", "--model-version", "v2").result("promote").get("modelVersionId").asText();

        CliRun run = smoke(out, "staging");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = run.result("smoke");
        assertThat(r.path("verdict").asText()).isEqualTo("passed");
        assertThat(r.path("modelVersionId").asText()).as("the default is the version promote recorded").isEqualTo(version);
        assertThat(r.path("target").asText())
                .startsWith("projects/" + ProjectNumbers.of("ds-ml-staging") + "/locations/europe-west4/endpoints/");
        assertThat(r.path("load").path("errors").asInt()).isZero();
        assertThat(run.err()).contains("version under test: " + version + " (promoted")
                .containsPattern("answers by model version: version " + version + ": (\\d+) of \\1\\R");
    }

    @Test
    @Order(2)
    void aWrongVersionUnderTestFailsSayingWhichVersionAnswered() {
        Path out = tmp.resolve("staging");
        CliRun run = smoke(out, "staging", "--model-version-id", "7");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode r = run.result("smoke");
        assertThat(r.path("failures")).anySatisfy(f -> {
            assertThat(f.path("case").asText()).isEqualTo("matte red lipstick prediction");
            assertThat(f.path("path").asText()).isEqualTo("modelVersionId");
            assertThat(f.path("expected").asText()).isEqualTo("7");
            assertThat(f.path("actual").asText()).isEqualTo("1");
        });
        assertThat(r.path("failures")).anySatisfy(f -> {
            assertThat(f.path("path").asText()).isEqualTo("modelVersionId");
            assertThat(f.path("expected").asText()).isEqualTo("all answers from version 7");
            assertThat(f.path("actual").asText()).matches("version 1: (\\d+) of \\1");
        });
        assertThat(run.err()).contains("modelVersionId: expected 7, got 1");
    }

    @Test
    @Order(3)
    void theBrokenModelFailsNamingTheExpectation() {
        Path out = tmp.resolve("prod");
        promote(out, "prod", "--model-version", "broken", "--override-blessing", "--reason", "the gate must catch it too");

        CliRun run = smoke(out, "prod");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode r = run.result("smoke");
        assertThat(r.path("verdict").asText()).isEqualTo("failed");
        assertThat(r.path("failures")).anySatisfy(f -> {
            assertThat(f.path("case").asText()).isEqualTo("matte red lipstick prediction");
            assertThat(f.path("path").asText()).startsWith("$.predictions[0].items");
        });
        assertThat(r.path("failures")).noneSatisfy(f -> assertThat(f.path("path").asText()).isEqualTo("modelVersionId"));
        assertThat(run.err()).contains("smoke gate failed").contains("'matte red lipstick prediction' $.predictions[0].items");
    }

    @Test
    @Order(4)
    void aCanarySplitShowsEveryVersionThatAnswered() {
        Path out = tmp.resolve("staging");
        String candidate = promote(out, "staging", "--model-version", "v1", "--canary", "10").result("promote")
                .get("modelVersionId").asText();
        assertThat(candidate).isEqualTo("2");

        // The cases fail (version 1 answers some): the load run is asked for anyway, to see the whole split.
        CliRun run = smoke(out, "staging", "--load-after-failed-cases");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode r = run.result("smoke");
        JsonNode check = null;
        for (JsonNode f : r.path("failures")) {
            if (f.path("case").asText().equals("(load)") && f.path("path").asText().equals("modelVersionId")) {
                check = f;
            }
        }
        assertThat(check).as(r.path("failures").toString()).isNotNull();
        assertThat(check.path("expected").asText()).isEqualTo("all answers from version 2");
        String seen = check.path("actual").asText();
        assertThat(seen).matches("version 1: \\d+ of (\\d+), version 2: \\d+ of \\1");
        int total = Integer.parseInt(seen.replaceAll(".* of ", ""));
        int fromCandidate = Integer.parseInt(seen.replaceAll(".*version 2: (\\d+) of.*", "$1"));
        assertThat((double) fromCandidate / total).as(seen).isBetween(0.05, 0.15);
        assertThat(run.err()).contains("answers by model version: " + seen + " — expected all answers from version 2");
    }
}
