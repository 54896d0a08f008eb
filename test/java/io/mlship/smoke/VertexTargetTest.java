package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.mlship.progress.Progress;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.targets.Response;
import io.mlship.smoke.targets.VertexPredictor;
import io.mlship.smoke.targets.VertexTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Vertex AI target through its port, with fake predictors: answers, the version check, a hang. */
class VertexTargetTest {
    private final ObjectMapper json = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Answers every instance with lipsticks, as model version {@code version}. */
    VertexPredictor lipsticks(String version) {
        return new VertexPredictor() {
            @Override
            public String endpoint() {
                return "projects/p/locations/europe-west4/endpoints/reco-staging";
            }

            @Override
            public Prediction predict(ArrayNode instances, JsonNode parameters) throws Exception {
                ArrayNode predictions = json.createArrayNode();
                for (int i = 0; i < instances.size(); i++) {
                    predictions.add(json.readTree(FakeService.LIPSTICKS).get("items").isArray()
                            ? json.createObjectNode().set("items", json.readTree(FakeService.LIPSTICKS).get("items")) : null);
                }
                return new Prediction(predictions, "dm-1", version);
            }
        };
    }

    GateResult gate(VertexPredictor predictor, String expectedVersion, Duration timeout) throws Exception {
        Path file = tmp.resolve("cases.yaml");
        Files.writeString(file, """
                - name: lipstick
                  request: {instances: [{query: lipstick}]}
                  expect:
                    ranking: {items: "$.predictions[0].items", top: 3, all: {category: lipstick}}
                """);
        var cases = new CasesLoader().load(file);
        try (VertexTarget target = new VertexTarget(predictor, timeout, json, 1)) {
            return new SmokeGate(Progress.silent())
                    .run(new GatePlan(cases, timeout, null, null, null, expectedVersion), target, null);
        }
    }

    @Test
    void predictionsAreCheckedAndTheServingVersionMustBeTheOneUnderTest() throws Exception {
        GateResult right = gate(lipsticks("7"), "7", Duration.ofSeconds(5));
        assertThat(right.passed()).isTrue();
        Response r = right.cases().get(0).response();
        assertThat(r.json().path("deployedModelId").asText()).isEqualTo("dm-1");
        assertThat(r.modelVersionId()).isEqualTo("7");
        assertThat(right.thresholds()).containsExactly(
                new ThresholdCheck("modelVersionId", "all answers from version 7", "version 7: 1 of 1", true));

        GateResult old = gate(lipsticks("6"), "7", Duration.ofSeconds(5));
        assertThat(old.passed()).isFalse();
        assertThat(old.cases().get(0).mismatches()).singleElement()
                .satisfies(m -> assertThat(m).isEqualTo(new io.mlship.smoke.expect.Mismatch("modelVersionId", "7", "6")));
        assertThat(old.thresholds()).containsExactly(
                new ThresholdCheck("modelVersionId", "all answers from version 7", "version 6: 1 of 1", false));

        GateResult unchecked = gate(lipsticks("6"), null, Duration.ofSeconds(5));
        assertThat(unchecked.passed()).as("no version under test: versions are not checked").isTrue();
        assertThat(unchecked.thresholds()).isEmpty();
    }

    @Test
    @Timeout(20)
    void aPredictCallThatNeverReturnsFailsTheGate() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        VertexPredictor stuck = new VertexPredictor() {
            @Override
            public String endpoint() {
                return "stuck";
            }

            @Override
            public Prediction predict(ArrayNode instances, JsonNode parameters) throws Exception {
                never.await();
                throw new IllegalStateException("unreachable");
            }
        };
        GateResult g = gate(stuck, null, Duration.ofMillis(200));

        assertThat(g.passed()).isFalse();
        assertThat(g.cases().get(0).mismatches().get(0).actual()).isEqualTo("no answer: no answer within 200 ms");
    }
}
