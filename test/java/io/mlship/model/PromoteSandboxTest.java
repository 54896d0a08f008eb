package io.mlship.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListModelVersionsRequest;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.PredictResponse;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.ExampleImages;
import io.mlship.sandbox.vertex.ProjectNumbers;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlship promote against the sandbox (Vertex AI emulator + folder buckets), checked through the official
 * aiplatform client. The tests build on each other, as releases of one model do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromoteSandboxTest {
    static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    static final String STAGING = "projects/ds-ml-staging/locations/europe-west4";
    static final String MODEL = STAGING + "/models/reco-ranker";

    Path tmp;
    Path state;
    Path results;
    Sandbox sandbox;
    VertexClients vertex;

    ExampleImages.Built image;

    /**
     * A published sandbox whose images folder holds the example's image (Vertex AI serves the model from it) and
     * whose bucket holds these trained versions.
     */
    static Sandbox startWithExample(Path state, ExampleImages.Built image, String... versions) throws IOException {
        SandboxStateDir stateDir = new SandboxStateDir(state);
        seedTrainingOutput(stateDir, versions);
        image.copyInto(stateDir.imagesDir());
        Sandbox sandbox = Sandbox.start(stateDir);
        sandbox.publish();
        return sandbox;
    }

    /** The training output in its bucket, and prod's own models bucket, which exists before any release (as in GCP). */
    static void seedTrainingOutput(SandboxStateDir stateDir, String... versions) {
        try {
            java.nio.file.Files.createDirectories(stateDir.storageRoot().resolve("ds-ml-prod-models"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        for (String v : versions) {
            io.mlship.spec.SpecFixtures.copyTree(EXAMPLE.resolve("training-output/reco-ranker/" + v),
                    stateDir.storageRoot().resolve("ds-training-output/reco-ranker/" + v));
        }
    }

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        state = tmp.resolve("sandbox");
        results = tmp.resolve("out");
        image = ExampleImages.example(tmp.resolve("image"));
        sandbox = startWithExample(state, image, "v1", "v2");
        vertex = new VertexClients(VertexApi.emulator(sandbox.info().vertexGrpc()), Duration.ofSeconds(20));
    }

    @AfterAll
    void stop() {
        vertex.close();
        sandbox.close();
    }

    CliRun promote(Path resultDir, String env, String... extra) {
        List<String> args = new ArrayList<>(List.of("promote", "--spec", EXAMPLE.resolve("mlship.yaml").toString(),
                "--env", env, "--sandbox", state.toString(), "--result-dir", resultDir.toString(),
                "--record", resultDir.resolve("record.json").toString(), "--image-digest", image.digest(),
                "--git-sha", "0123456789abcdef0123456789abcdef01234567", "--build-url", "https://ci.example.com/job/reco/42/"));
        args.addAll(List.of(extra));
        return CliRun.of(resultDir, args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void firstPromotionCreatesModelEndpointAndServesAllTraffic() {
        CliRun run = promote(results, "staging", "--model-version", "v1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = run.result("promote");
        assertThat(r.get("modelVersionId").asText()).isEqualTo("1");
        assertThat(r.get("reused").asBoolean()).isFalse();
        String deployed = r.get("deployedModelId").asText();
        assertThat(r.get("trafficSplit").toString()).isEqualTo("{\"" + deployed + "\":100}");

        Model v1 = vertex.models().getModel(MODEL + "@1");
        assertThat(v1.getVersionAliasesList()).containsExactly("default", "candidate");
        assertThat(v1.getLabelsMap()).containsEntry("mlship-git-sha", "0123456789abcdef0123456789abcdef01234567")
                .containsEntry("team", "ds-reco").containsKey(Promoter.DIGEST_LABEL)
                .containsEntry("mlship-build", "ci-example-com-job-reco-42");
        assertThat(v1.getArtifactUri()).isEqualTo("gs://ds-training-output/reco-ranker/v1/");

        PredictResponse answer = predict(r.get("endpoint").asText(), "matte red lipstick");
        assertThat(answer.getDeployedModelId()).isEqualTo(deployed);
        assertThat(answer.getModelVersionId()).isEqualTo("1");
        assertThat(answer.getPredictions(0).getStructValue().getFieldsOrThrow("items").getListValue()
                .getValues(0).getStructValue().getFieldsOrThrow("category").getStringValue()).isEqualTo("lipstick");
    }

    @Test
    @Order(2)
    void sameArtifactsAgainReuseTheVersion() {
        CliRun run = promote(results, "staging", "--artifacts", "gs://ds-training-output/reco-ranker/v1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode r = run.result("promote");
        assertThat(r.get("reused").asBoolean()).isTrue();
        assertThat(r.get("modelVersionId").asText()).isEqualTo("1");
        assertThat(versions()).hasSize(1);
        assertThat(endpoint(r).getDeployedModelsCount()).isEqualTo(1);
        assertThat(run.err()).contains("already holds these artifacts").contains("already deployed");
    }

    @Test
    @Order(3)
    void canaryThenRollbackRestoresSplitAndAliasesExactly() {
        Endpoint before = vertex.endpoints().getEndpoint(promote(results, "staging", "--model-version", "v1").result("promote")
                .get("endpoint").asText());
        Map<String, List<String>> aliasesBefore = aliases();

        CliRun canary = promote(results, "staging", "--model-version", "v2", "--canary", "10");
        assertThat(canary.exitCode()).as(canary.err()).isZero();
        JsonNode r = canary.result("promote");
        assertThat(r.get("modelVersionId").asText()).isEqualTo("2");
        String oldId = before.getDeployedModels(0).getId();
        String newId = r.get("deployedModelId").asText();
        assertThat(endpoint(r).getTrafficSplitMap()).isEqualTo(Map.of(oldId, 90, newId, 10));
        assertThat(aliases()).isEqualTo(Map.of("1", List.of("default"), "2", List.of("candidate")));
        Map<String, Integer> served = new TreeMap<>();
        for (int i = 0; i < 20; i++) {
            served.merge(predict(r.get("endpoint").asText(), "face wash").getModelVersionId(), 1, Integer::sum);
        }
        assertThat(served).isEqualTo(Map.of("1", 18, "2", 2));

        CliRun back = promote(results, "staging", "--rollback");
        assertThat(back.exitCode()).as(back.err()).isZero();
        Endpoint after = endpoint(back.result("promote"));
        assertThat(after.getTrafficSplitMap()).isEqualTo(before.getTrafficSplitMap());
        assertThat(after.getDeployedModelsList()).extracting(d -> d.getId()).containsExactly(oldId);
        Map<String, List<String>> expected = new HashMap<>(aliasesBefore);
        expected.put("2", List.of()); // the new version stays in the registry, without aliases
        assertThat(aliases()).isEqualTo(expected);
    }

    @Test
    @Order(4)
    void canaryShiftMovesProdAliasAndUndeploysTheOldVersion() {
        CliRun canary = promote(results, "staging", "--model-version", "v2", "--canary", "25");
        assertThat(canary.exitCode()).as(canary.err()).isZero();
        JsonNode r = canary.result("promote");
        assertThat(r.get("reused").asBoolean()).as("v2 was uploaded before the rollback").isTrue();
        String newId = r.get("deployedModelId").asText();
        assertThat(endpoint(r).getTrafficSplitMap()).containsEntry(newId, 25).hasSize(2);

        CliRun shift = promote(results, "staging", "--shift");
        assertThat(shift.exitCode()).as(shift.err()).isZero();
        Endpoint e = endpoint(shift.result("promote"));
        assertThat(e.getTrafficSplitMap()).isEqualTo(Map.of(newId, 100));
        assertThat(e.getDeployedModelsList()).extracting(d -> d.getModelVersionId()).containsExactly("2");
        assertThat(aliases()).isEqualTo(Map.of("1", List.of("default"), "2", List.of("candidate", "prod")));
        assertThat(shift.result("promote").get("promotion").get("undeployed")).hasSize(1);
        assertThat(vertex.models().getModel(MODEL + "@2").getLabelsMap()).containsEntry("mlship-prod-previous", "none")
                .containsKey("mlship-prod-since");

        CliRun back = promote(results, "staging", "--rollback");
        assertThat(back.exitCode()).as(back.err()).isZero();
        Endpoint restored = endpoint(back.result("promote"));
        assertThat(restored.getDeployedModelsList()).extracting(d -> d.getModelVersionId()).containsExactly("1");
        assertThat(restored.getTrafficSplitMap()).containsValue(100);
        assertThat(aliases()).isEqualTo(Map.of("1", List.of("default", "candidate"), "2", List.of()));
    }

    @Test
    @Order(5)
    void failedAndHungOperationsAreReportedAndAResumedRunFinishesTheWait() throws IOException {
        Path prodResults = tmp.resolve("prod-out");
        sandbox.vertex().faults().failNext("UploadModel");
        CliRun failed = promote(prodResults, "prod", "--model-version", "v2");
        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.err()).contains("UploadModel of reco-ranker failed: injected failure");
        assertThat(failed.result("promote").get("promotion").get("pendingOperation").isNull()).isTrue();

        sandbox.vertex().faults().hangNext("DeployModel");
        CliRun hung = promote(prodResults, "prod", "--model-version", "v2", "--timeout", "1s");
        assertThat(hung.exitCode()).isEqualTo(3);
        assertThat(hung.err()).contains("timed out after 1s waiting for DeployModel of version 1 to reco-prod")
                .contains("run the same command again to resume");
        JsonNode pending = hung.result("promote").get("promotion").get("pendingOperation");
        assertThat(pending.get("kind").asText()).isEqualTo("DeployModel");
        assertThat(pending.get("name").asText()).as("Vertex AI names the project by its number")
                .startsWith("projects/" + ProjectNumbers.of("ds-ml-prod") + "/locations/europe-west4/endpoints/");

        sandbox.vertex().faults().release("DeployModel");
        CliRun resumed = promote(prodResults, "prod", "--model-version", "v2");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("resuming").contains(pending.get("name").asText());
        JsonNode r = resumed.result("promote");
        Endpoint e = endpoint(r);
        assertThat(e.getDeployedModelsCount()).as("the resumed run did not deploy a second time").isEqualTo(1);
        assertThat(e.getTrafficSplitMap()).isEqualTo(Map.of(r.get("deployedModelId").asText(), 100));
        String copied = vertex.models().getModel("projects/ds-ml-prod/locations/europe-west4/models/reco-ranker@1").getArtifactUri();
        assertThat(copied).startsWith("gs://ds-ml-prod-models/reco-ranker/");
        assertThat(new SandboxStateDir(state).storageRoot().resolve(copied.substring(5)).resolve("metadata.json")).exists();
    }

    @Test
    @Order(6)
    void badInputFailsBeforeAnythingRemote() {
        Path out = tmp.resolve("bad-out");
        CliRun run = CliRun.of(out, "promote", "--spec", EXAMPLE.resolve("mlship.yaml").toString(), "--env", "staging",
                "--sandbox", tmp.resolve("no-sandbox").toString(), "--result-dir", out.toString(), "--canary", "150");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--canary 150 is not a percentage");

        CliRun unversioned = CliRun.of(out, "promote", "--spec", EXAMPLE.resolve("mlship.yaml").toString(), "--env",
                "staging", "--sandbox", tmp.resolve("no-sandbox").toString(), "--result-dir", out.toString());
        assertThat(unversioned.exitCode()).isEqualTo(2);
        assertThat(unversioned.err()).contains("model.artifacts: no value for {version}").contains("pass --model-version");

        CliRun missing = promote(out, "staging", "--artifacts", "gs://ds-training-output/reco-ranker/v9/");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no model files under gs://ds-training-output/reco-ranker/v9/");
        assertThat(versions()).as("nothing was uploaded").hasSize(2);
    }

    PredictResponse predict(String endpoint, String query) {
        Value instance = Value.newBuilder().setStructValue(Struct.newBuilder()
                .putFields("query", Value.newBuilder().setStringValue(query).build())
                .putFields("k", Value.newBuilder().setNumberValue(3).build())).build();
        return vertex.predictions().predict(endpoint, List.of(instance), Value.getDefaultInstance());
    }

    Endpoint endpoint(JsonNode result) {
        return vertex.endpoints().getEndpoint(result.get("endpoint").asText());
    }

    List<Model> versions() {
        List<Model> out = new ArrayList<>();
        vertex.models().listModelVersions(ListModelVersionsRequest.newBuilder().setName(MODEL).build()).iterateAll().forEach(out::add);
        return out;
    }

    Map<String, List<String>> aliases() {
        Map<String, List<String>> out = new HashMap<>();
        versions().forEach(v -> out.put(v.getVersionId(), v.getVersionAliasesList()));
        return out;
    }

}
