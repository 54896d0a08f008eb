package io.mlship.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.ExampleImages;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.vertex.CallCounter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promoting artifacts that are already promoted asks Vertex AI as little as possible, counted by the emulator:
 * one Model Registry lookup, one endpoint read, no write — plus the blessing's one read of the version holding prod.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromoteReusedCallsTest {
    static final String MODELS = "google.cloud.aiplatform.v1.ModelService/";
    static final String ENDPOINTS = "google.cloud.aiplatform.v1.EndpointService/";

    Path tmp;
    Path state;
    Sandbox sandbox;
    ExampleImages.Built image;
    CallCounter calls;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        state = tmp.resolve("sandbox");
        image = ExampleImages.example(tmp.resolve("image"));
        sandbox = PromoteSandboxTest.startWithExample(state, image, "v1");
        calls = sandbox.vertex().calls();
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    CliRun promote(Path resultDir, boolean withRecord) {
        List<String> args = new ArrayList<>(List.of("promote", "--spec",
                PromoteSandboxTest.EXAMPLE.resolve("mlship.yaml").toString(), "--env", "staging", "--model-version", "v1",
                "--image-digest", image.digest(), "--sandbox", state.toString(), "--result-dir", resultDir.toString()));
        if (withRecord) {
            args.addAll(List.of("--record", resultDir.resolve("record.json").toString()));
        } else {
            args.addAll(List.of("--record", resultDir.resolve("none-yet.json").toString()));
        }
        return CliRun.of(resultDir, args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void againWithTheRecordIsOneRegistryLookupAndOneEndpointReadAndNoWrite() {
        Path out = tmp.resolve("out");
        CliRun first = promote(out, true);
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.result("promote").get("reused").asBoolean()).isFalse();
        assertThat(calls.snapshot()).containsKeys(MODELS + "UploadModel", ENDPOINTS + "DeployModel");

        calls.reset();
        CliRun again = promote(out, true);
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(calls.snapshot()).isEqualTo(Map.of(
                MODELS + "GetModel", 1L, // blessing: the version holding prod (none yet)
                MODELS + "ListModelVersions", 1L,
                ENDPOINTS + "ListEndpoints", 1L));
        JsonNode r = again.result("promote");
        JsonNode f = first.result("promote");
        assertThat(r.get("reused").asBoolean()).isTrue();
        assertThat(r.get("modelVersionId").asText()).isEqualTo("1");
        // Same answer as the run that did the work: the endpoint, the split, the aliases and the rollback snapshot.
        for (String field : List.of("endpoint", "deployedModelId", "trafficSplit", "aliases", "artifactDigest")) {
            assertThat(r.get(field)).as(field).isEqualTo(f.get(field));
        }
        assertThat(r.get("promotion").get("before")).isEqualTo(f.get("promotion").get("before"));
        assertThat(r.get("aliases").toString()).isEqualTo("{\"1\":[\"default\",\"candidate\"]}");
    }

    @Test
    @Order(2)
    void againFromAnEmptyWorkspaceFindsTheRecordInTheEnvironmentsState() {
        calls.reset();
        CliRun fresh = promote(tmp.resolve("fresh"), false);
        assertThat(fresh.exitCode()).as(fresh.err()).isZero();
        assertThat(calls.snapshot()).isEqualTo(Map.of(
                MODELS + "GetModel", 1L, // blessing: the version holding prod (none yet)
                MODELS + "ListModelVersions", 1L,
                ENDPOINTS + "ListEndpoints", 1L));
        JsonNode r = fresh.result("promote");
        assertThat(r.get("reused").asBoolean()).isTrue();
        // An empty workspace, but the record is in the environment's state: a rollback from here still returns to
        // what was there before the first promotion (nothing), not to what is there now.
        assertThat(r.get("promotion").get("before").get("aliases").toString()).isEqualTo("{}");
    }

    @Test
    @Order(3)
    void theCountsAreServedAsJsonAndADeleteStartsThemAgain() throws Exception {
        calls.reset();
        promote(tmp.resolve("out"), true);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI uri = URI.create(sandbox.info().vertexRest() + "sandbox/calls");
        HttpResponse<String> got = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(got.statusCode()).isEqualTo(200);
        JsonNode counts = new ObjectMapper().readTree(got.body()).get("calls");
        assertThat(counts.get(MODELS + "ListModelVersions").asLong()).isEqualTo(1);
        assertThat(counts.get(ENDPOINTS + "ListEndpoints").asLong()).isEqualTo(1);
        assertThat(counts.get(MODELS + "GetModel").asLong()).isEqualTo(1);
        assertThat(counts.size()).isEqualTo(3);

        // REST calls count too, by verb and path with the ids replaced.
        http.send(HttpRequest.newBuilder(URI.create(sandbox.info().vertexRest()
                        + "v1/projects/ds-ml-staging/locations/europe-west4/models")).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> cleared = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(new ObjectMapper().readTree(cleared.body()).get("calls").get("GET /v1/projects/*/locations/*/models")
                .asLong()).isEqualTo(1);
        assertThat(calls.snapshot()).isEmpty();
    }
}
