package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.NoCredentials;
import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelResponse;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.EnvVar;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.cloud.aiplatform.v1.UploadModelResponse;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.longrunning.Operation;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.rpc.Code;
import io.mlship.model.VertexApi;
import io.mlship.model.VertexClients;
import io.mlship.sandbox.vertex.ProjectNumbers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Vertex AI emulator of a plain sandbox (process runtime, nothing mounted) serves a deployed model by running
 * the image its containerSpec names, with the environment Vertex AI documents for custom containers, and the
 * artifacts as a gs:// copy of its own. Driven with the official aiplatform and storage clients.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VertexServesImageTest {
    static final String LOC = "projects/ds-ml-staging/locations/europe-west4";
    static final String NUMBER = ProjectNumbers.of("ds-ml-staging");

    Path tmp;
    SandboxStateDir state;
    Sandbox sandbox;
    VertexClients vertex;
    ExampleImages.Built image;
    String echoServer;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        tmp = dir;
        state = new SandboxStateDir(tmp.resolve("sandbox"));
        image = ExampleImages.example(tmp.resolve("image"));
        image.copyInto(state.imagesDir());
        sandbox = Sandbox.start(state, RuntimeKind.PROCESS);
        sandbox.publish();
        vertex = new VertexClients(VertexApi.emulator(sandbox.info().vertexGrpc()), Duration.ofSeconds(20));
        try (InputStream in = getClass().getResourceAsStream("echo_environment.py")) {
            echoServer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterAll
    void stop() {
        if (vertex != null) {
            vertex.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void theImageServesWithVertexAisEnvironmentAndACopyOfTheArtifacts() throws Exception {
        Path trained = state.storageRoot().resolve("ds-training-output/echo/v1");
        io.mlship.spec.SpecFixtures.copyTree(ExampleImages.EXAMPLE.resolve("training-output/reco-ranker/v1"), trained);
        String version = upload("echo", ModelContainerSpec.newBuilder().setImageUri(image.reference())
                .addCommand("python3").addCommand("-c").addCommand(echoServer)
                .addArgs("--port=$(AIP_HTTP_PORT)").addArgs("$(NOT_SET)").addArgs("$$(AIP_HTTP_PORT)")
                .addEnv(EnvVar.newBuilder().setName("SPEC_ROUTE").setValue("$(AIP_PREDICT_ROUTE)"))
                .addEnv(EnvVar.newBuilder().setName("SPEC_PLAIN").setValue("as written")), "gs://ds-training-output/echo/v1/");
        // Vertex AI serves its own copy, made at upload: the training output may go away.
        deleteTree(trained);
        Endpoint endpoint = endpoint("echo");
        String endpointId = endpoint.getName().substring(endpoint.getName().lastIndexOf('/') + 1);

        Operation op = deploy(endpoint.getName(), "echo@" + version);

        assertThat(op.hasError()).as(op.getError().getMessage()).isFalse();
        String deployedId = op.getResponse().unpack(DeployModelResponse.class).getDeployedModel().getId();
        Struct answer = vertex.predictions().predict(endpoint.getName(), List.of(Value.newBuilder()
                .setStructValue(Struct.newBuilder().putFields("q", Value.newBuilder().setStringValue("x").build())).build()),
                Value.getDefaultInstance()).getPredictions(0).getStructValue();
        Map<String, String> env = answer.getFieldsOrThrow("env").getStructValue().getFieldsMap().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getStringValue()));
        String route = "/v1/endpoints/" + endpointId + "/deployedModels/" + deployedId;
        assertThat(env).containsEntry("AIP_DEPLOYED_MODEL_ID", deployedId)
                .containsEntry("AIP_ENDPOINT_ID", endpointId)
                .containsEntry("AIP_PROJECT_NUMBER", NUMBER)
                .containsEntry("AIP_HEALTH_ROUTE", route)
                .containsEntry("AIP_PREDICT_ROUTE", route + ":predict")
                .containsEntry("AIP_MACHINE_TYPE", "n1-standard-2")
                .containsEntry("AIP_MODE", "PREDICTION")
                .containsEntry("AIP_MODE_VERSION", "1.0.0")
                .containsEntry("AIP_FRAMEWORK", "CUSTOM_CONTAINER")
                .containsEntry("AIP_MODEL_NAME", endpointId)
                .containsEntry("AIP_VERSION_NAME", deployedId)
                .containsEntry("SPEC_ROUTE", route + ":predict")
                .containsEntry("SPEC_PLAIN", "as written")
                .containsEntry("STORAGE_EMULATOR_HOST", sandbox.info().storageHost())
                .doesNotContainKey("AIP_ACCELERATOR_TYPE");
        assertThat(answer.getFieldsOrThrow("path").getStringValue()).as("predictions go to the predict route")
                .isEqualTo(route + ":predict");
        assertThat(answer.getFieldsOrThrow("argv").getListValue().getValuesList()).extracting(Value::getStringValue)
                .containsExactly("--port=" + env.get("AIP_HTTP_PORT"), "$(NOT_SET)", "$(AIP_HTTP_PORT)");

        String copy = env.get("AIP_STORAGE_URI");
        assertThat(copy).startsWith("gs://vertex-ai-" + NUMBER + "/").endsWith("/");
        Storage storage = StorageOptions.newBuilder().setHost(sandbox.info().storageHost()).setProjectId("ds-ml-staging")
                .setCredentials(NoCredentials.getInstance()).build().getService();
        String bucket = copy.substring(5, copy.indexOf('/', 5));
        String prefix = copy.substring(copy.indexOf('/', 5) + 1);
        List<String> names = StreamSupport.stream(storage.list(bucket, Storage.BlobListOption.prefix(prefix))
                .iterateAll().spliterator(), false).map(Blob::getName).map(n -> n.substring(prefix.length())).toList();
        assertThat(names).as("the copy, read through the sandbox's Cloud Storage JSON API")
                .contains("metadata.json", "metrics.json").hasSize(5);
    }

    @Test
    void theExampleServerLoadsItsModelFromTheCopy() throws Exception {
        Path trained = state.storageRoot().resolve("ds-training-output/reco/v1");
        io.mlship.spec.SpecFixtures.copyTree(ExampleImages.EXAMPLE.resolve("training-output/reco-ranker/v1"), trained);
        // The image's own Entrypoint and Env (python3 -m reco.server, PYTHONPATH=/app/src): no command in the spec.
        String version = upload("reco", ModelContainerSpec.newBuilder().setImageUri(image.reference())
                .setPredictRoute("/predict").setHealthRoute("/health"), "gs://ds-training-output/reco/v1/");
        Endpoint endpoint = endpoint("reco");
        Operation op = deploy(endpoint.getName(), "reco@" + version);
        assertThat(op.hasError()).as(op.getError().getMessage()).isFalse();
        deleteTree(trained);

        Struct first = vertex.predictions().predict(endpoint.getName(), List.of(Value.newBuilder().setStructValue(Struct
                .newBuilder().putFields("query", Value.newBuilder().setStringValue("matte red lipstick").build())
                .putFields("k", Value.newBuilder().setNumberValue(3).build())).build()), Value.getDefaultInstance())
                .getPredictions(0).getStructValue();
        assertThat(first.getFieldsOrThrow("items").getListValue().getValues(0).getStructValue()
                .getFieldsOrThrow("category").getStringValue()).isEqualTo("lipstick");
    }

    @Test
    void anImageThatIsNotInTheImagesFolderFailsTheDeployment() throws Exception {
        String missing = ExampleImages.REPOSITORY + "@sha256:" + "0".repeat(64);
        String version = upload("absent", ModelContainerSpec.newBuilder().setImageUri(missing), "");

        Operation op = deploy(endpoint("absent").getName(), "absent@" + version);

        assertThat(op.getError().getCode()).isEqualTo(Code.FAILED_PRECONDITION_VALUE);
        assertThat(op.getError().getMessage()).contains(missing).contains(state.imagesDir().toString())
                .contains("mlship build --tar " + state.imagesDir() + "/NAME.tar");
    }

    private String upload(String id, ModelContainerSpec.Builder container, String artifacts) throws Exception {
        Operation op = done(vertex.models().uploadModelCallable().call(UploadModelRequest.newBuilder().setParent(LOC)
                .setModelId(id).setModel(Model.newBuilder().setDisplayName(id).setArtifactUri(artifacts)
                        .setContainerSpec(container)).build()));
        assertThat(op.hasError()).as(op.getError().getMessage()).isFalse();
        return op.getResponse().unpack(UploadModelResponse.class).getModelVersionId();
    }

    private Endpoint endpoint(String name) throws Exception {
        return done(vertex.endpoints().createEndpointCallable().call(CreateEndpointRequest.newBuilder().setParent(LOC)
                .setEndpoint(Endpoint.newBuilder().setDisplayName(name)).build())).getResponse().unpack(Endpoint.class);
    }

    private Operation deploy(String endpoint, String ref) throws Exception {
        return done(vertex.endpoints().deployModelCallable().call(DeployModelRequest.newBuilder().setEndpoint(endpoint)
                .setDeployedModel(DeployedModel.newBuilder().setModel(LOC + "/models/" + ref)
                        .setDedicatedResources(DedicatedResources.newBuilder().setMinReplicaCount(1)
                                .setMachineSpec(MachineSpec.newBuilder().setMachineType("n1-standard-2"))))
                .putTrafficSplit("0", 100).build()));
    }

    /** Polls the operation by name until it is done (a model server takes a moment to become healthy). */
    private Operation done(Operation op) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!op.getDone()) {
            assertThat(System.nanoTime()).as("operation %s done within 60 s", op.getName()).isLessThan(deadline);
            Thread.sleep(50); // the API's contract: poll the operation
            op = vertex.operations().getOperation(op.getName());
        }
        return op;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
