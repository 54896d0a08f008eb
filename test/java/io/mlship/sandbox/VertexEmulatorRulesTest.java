package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.aiplatform.v1.DedicatedResources;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelResponse;
import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.MachineSpec;
import com.google.cloud.aiplatform.v1.ListModelVersionsRequest;
import com.google.cloud.aiplatform.v1.MergeVersionAliasesRequest;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.cloud.aiplatform.v1.UploadModelResponse;
import com.google.protobuf.FieldMask;
import io.mlship.model.VertexClients;
import io.mlship.model.VertexApi;
import io.mlship.sandbox.vertex.ServingRuntime;
import io.mlship.sandbox.vertex.ProjectNumbers;
import io.mlship.sandbox.vertex.VertexEmulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real API's rules, as the official client meets them in the emulator (model servers stubbed: no processes). */
class VertexEmulatorRulesTest {
    static final String LOC = "projects/p/locations/europe-west4";

    @TempDir
    Path tmp;
    VertexEmulator emulator;
    VertexClients vertex;

    @BeforeEach
    void start() throws Exception {
        ServingRuntime stub = request -> new ServingRuntime.Server() {
            @Override
            public int port() {
                return 1;
            }

            @Override
            public void close() {
            }
        };
        emulator = VertexEmulator.builder(tmp.resolve("storage")).runtime(stub).restPort(-1)
                .operationDelay(Duration.ZERO).start();
        vertex = new VertexClients(VertexApi.emulator(emulator.grpcAddress()), Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        vertex.close();
        emulator.close();
    }

    @Test
    void aliasesFollowThePatternAndMoveBetweenVersions() throws Exception {
        upload("m", true, "candidate");
        upload("m", false, "candidate");
        assertThat(model("m@1").getVersionAliasesList()).containsExactly("default");
        assertThat(model("m@2").getVersionAliasesList()).containsExactly("candidate");
        assertThat(model("m@candidate").getVersionId()).isEqualTo("2");

        assertCode(() -> merge("m@1", "Prod"), StatusCode.Code.INVALID_ARGUMENT, "must match");
        assertCode(() -> merge("m@1", "-default"), StatusCode.Code.INVALID_ARGUMENT, "cannot be removed");
        assertCode(() -> merge("m@1", "x"), StatusCode.Code.INVALID_ARGUMENT, "must match");
        merge("m@1", "candidate");
        assertThat(model("m@1").getVersionAliasesList()).containsExactly("default", "candidate");
        assertThat(model("m@2").getVersionAliasesList()).isEmpty();
    }

    @Test
    void trafficMustSumTo100OverDeployedModelsAndUndeployNeedsNoTraffic() throws Exception {
        upload("m", true);
        upload("m", false);
        Endpoint e = done(vertex.endpoints().createEndpointCallable().call(com.google.cloud.aiplatform.v1.CreateEndpointRequest
                .newBuilder().setParent(LOC).setEndpoint(Endpoint.newBuilder().setDisplayName("e")).build()))
                .getResponse().unpack(Endpoint.class);
        String first = deploy(e.getName(), "m@1", Map.of("0", 100));
        assertCode(() -> deploy(e.getName(), "m@2", Map.of("0", 10, first, 80)), StatusCode.Code.INVALID_ARGUMENT, "add up to 90");
        assertCode(() -> deploy(e.getName(), "m@2", Map.of("0", 10, "999", 90)), StatusCode.Code.INVALID_ARGUMENT, "not on endpoint");
        String second = deploy(e.getName(), "m@2", Map.of("0", 10, first, 90));
        assertThat(vertex.endpoints().getEndpoint(e.getName()).getTrafficSplitMap()).isEqualTo(Map.of(first, 90, second, 10));

        assertCode(() -> vertex.endpoints().updateEndpoint(UpdateEndpointRequest.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setName(e.getName()).putTrafficSplit(first, 101).putTrafficSplit(second, -1))
                .setUpdateMask(FieldMask.newBuilder().addPaths("traffic_split")).build()), StatusCode.Code.INVALID_ARGUMENT, "outside 0-100");
        assertCode(() -> undeploy(e.getName(), first, Map.of()), StatusCode.Code.FAILED_PRECONDITION, "still receives 90%");
        assertCode(() -> undeploy(e.getName(), "0", Map.of()), StatusCode.Code.NOT_FOUND, "no deployed model '0'");
        assertCode(() -> vertex.models().deleteModelVersionCallable().call(
                com.google.cloud.aiplatform.v1.DeleteModelVersionRequest.newBuilder().setName(LOC + "/models/m@2").build()),
                StatusCode.Code.FAILED_PRECONDITION,
                "is deployed");

        undeploy(e.getName(), first, Map.of(second, 100));
        assertThat(vertex.endpoints().getEndpoint(e.getName()).getTrafficSplitMap()).isEqualTo(Map.of(second, 100));
    }

    @Test
    void namesCarryTheProjectNumberAndRequestsMayUseTheIdOrTheNumber() throws Exception {
        String number = ProjectNumbers.of("p");
        assertThat(number).matches("[1-9][0-9]{11}").isEqualTo(ProjectNumbers.of("p")).isNotEqualTo(ProjectNumbers.of("q"));
        String byNumber = "projects/" + number + "/locations/europe-west4";

        upload("m", true);
        Model m = model("m");
        assertThat(m.getName()).as("answered with the number, though uploaded by id").isEqualTo(byNumber + "/models/m");
        assertThat(vertex.models().getModel(byNumber + "/models/m@1").getVersionId()).isEqualTo("1");
        Endpoint e = done(vertex.endpoints().createEndpointCallable().call(com.google.cloud.aiplatform.v1.CreateEndpointRequest
                .newBuilder().setParent(LOC).setEndpoint(Endpoint.newBuilder().setDisplayName("e")).build()))
                .getResponse().unpack(Endpoint.class);
        assertThat(e.getName()).startsWith(byNumber + "/endpoints/");
        deploy(e.getName().replace(byNumber, LOC), "m@1", Map.of("0", 100));
        Endpoint read = vertex.endpoints().getEndpoint(e.getName().replace(byNumber, LOC));
        assertThat(read.getDeployedModels(0).getModel()).as("the model as the endpoint names it").isEqualTo(byNumber + "/models/m");
        assertThat(vertex.endpoints().listEndpoints(byNumber).iterateAll()).extracting(Endpoint::getName)
                .containsExactly(e.getName());
        assertThat(ProjectNumbers.canonical("projects/p/locations/l/models/m@1"))
                .isEqualTo("projects/" + number + "/locations/l/models/m@1");
        assertThat(ProjectNumbers.canonical(byNumber + "/models/m")).isEqualTo(byNumber + "/models/m");
        assertThat(ProjectNumbers.canonical("gs://bucket/projects/p/x")).as("not a resource name").isEqualTo("gs://bucket/projects/p/x");
    }

    @Test
    void listsPageAsVertexAiDoesAndTheClientsReadEveryPage() throws Exception {
        upload("m", true);
        for (int i = 2; i <= 250; i++) {
            upload("m", false);
        }
        ListModelVersionsRequest all = ListModelVersionsRequest.newBuilder().setName(LOC + "/models/m").build();
        var first = vertex.models().listModelVersionsCallable().call(all);
        assertThat(first.getModelsCount()).as("the default page").isEqualTo(100);
        assertThat(first.getNextPageToken()).isNotEmpty();
        assertThat(vertex.models().listModelVersions(all).iterateAll()).as("the client follows the tokens").hasSize(250);
        var last = vertex.models().listModelVersionsCallable().call(all.toBuilder().setPageSize(200)
                .setPageToken(vertex.models().listModelVersionsCallable().call(all.toBuilder().setPageSize(200).build())
                        .getNextPageToken()).build());
        assertThat(last.getModelsCount()).isEqualTo(50);
        assertThat(last.getNextPageToken()).as("the last page").isEmpty();
        assertCode(() -> vertex.models().listModelVersionsCallable().call(all.toBuilder().setFilter("labels.x=\"y\"")
                .setPageToken(first.getNextPageToken()).build()), StatusCode.Code.INVALID_ARGUMENT, "page_token is not valid");

        for (int i = 0; i < 120; i++) {
            done(vertex.endpoints().createEndpointCallable().call(com.google.cloud.aiplatform.v1.CreateEndpointRequest
                    .newBuilder().setParent(LOC).setEndpoint(Endpoint.newBuilder().setDisplayName("e" + i)).build()));
        }
        assertThat(vertex.endpoints().listEndpoints(LOC).iterateAll()).hasSize(120);
        assertThat(vertex.endpoints().listEndpoints(com.google.cloud.aiplatform.v1.ListEndpointsRequest.newBuilder()
                .setParent(LOC).setFilter("display_name=\"e119\"").build()).iterateAll()).hasSize(1);
        assertThat(vertex.operations().listOperations(LOC, "").iterateAll()).as("249 uploads, 1 first, 120 creates")
                .hasSize(370);
    }

    @Test
    void labelsFollowTheRulesAndAResourceHoldsAtMost64() throws Exception {
        upload("m", true);
        Map<String, String> many = new java.util.TreeMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("k" + i, "0_5");
        }
        assertCode(() -> label("m@1", many), StatusCode.Code.INVALID_ARGUMENT, "at most 64");
        assertCode(() -> label("m@1", Map.of("mlship-metric-ndcg_10", "0.5")), StatusCode.Code.INVALID_ARGUMENT, "not valid");
        many.remove("k0");
        assertThat(label("m@1", many).getLabelsMap()).hasSize(64);
    }

    private Model label(String ref, Map<String, String> labels) {
        return vertex.models().updateModel(com.google.cloud.aiplatform.v1.UpdateModelRequest.newBuilder()
                .setModel(Model.newBuilder().setName(LOC + "/models/" + ref).putAllLabels(labels))
                .setUpdateMask(com.google.protobuf.FieldMask.newBuilder().addPaths("labels")).build());
    }

    @Test
    void failedAndHeldOperationsAsTheHooksSay() throws Exception {
        emulator.faults().failNext("UploadModel");
        assertThatThrownBy(() -> upload("m", true)).hasMessageContaining("injected failure of UploadModel");
        upload("m", true); // a failed upload leaves nothing behind
        assertThat(model("m").getVersionId()).isEqualTo("1");
    }

    private String upload(String id, boolean first, String... aliases) throws Exception {
        UploadModelRequest.Builder req = UploadModelRequest.newBuilder().setParent(LOC).setModel(Model.newBuilder()
                .setDisplayName(id).setContainerSpec(ModelContainerSpec.newBuilder().setImageUri("img:1"))
                .addAllVersionAliases(java.util.List.of(aliases)));
        if (first) {
            req.setModelId(id);
        } else {
            req.setParentModel(LOC + "/models/" + id);
        }
        return done(vertex.models().uploadModelCallable().call(req.build())).getResponse()
                .unpack(UploadModelResponse.class).getModelVersionId();
    }

    private Model model(String ref) {
        return vertex.models().getModel(LOC + "/models/" + ref);
    }

    private Model merge(String ref, String alias) {
        return vertex.models().mergeVersionAliases(MergeVersionAliasesRequest.newBuilder()
                .setName(LOC + "/models/" + ref).addVersionAliases(alias).build());
    }

    private String deploy(String endpoint, String ref, Map<String, Integer> split) throws Exception {
        DeployModelResponse r = done(vertex.endpoints().deployModelCallable().call(DeployModelRequest.newBuilder().setEndpoint(endpoint)
                .setDeployedModel(DeployedModel.newBuilder().setModel(LOC + "/models/" + ref)
                        .setDedicatedResources(DedicatedResources.newBuilder().setMinReplicaCount(1)
                                .setMachineSpec(MachineSpec.newBuilder().setMachineType("n1-standard-2"))))
                .putAllTrafficSplit(split).build())).getResponse().unpack(DeployModelResponse.class);
        return r.getDeployedModel().getId();
    }

    private Object undeploy(String endpoint, String id, Map<String, Integer> split) throws Exception {
        return done(vertex.endpoints().undeployModelCallable().call(UndeployModelRequest.newBuilder().setEndpoint(endpoint)
                .setDeployedModelId(id).putAllTrafficSplit(split).build()));
    }

    /** Polls the operation by name, as the API's contract says (the client's own futures poll every 5s). */
    private com.google.longrunning.Operation done(com.google.longrunning.Operation op) throws Exception {
        for (int i = 0; i < 500 && !op.getDone(); i++) {
            Thread.sleep(10);
            op = vertex.operations().getOperation(op.getName());
        }
        if (op.hasError()) {
            throw new IllegalStateException(op.getError().getMessage());
        }
        return op;
    }

    interface Call {
        Object run() throws Exception;
    }

    private static void assertCode(Call call, StatusCode.Code code, String text) {
        assertThatThrownBy(call::run).satisfies(t -> {
            Throwable c = t;
            while (c != null && !(c instanceof ApiException)) {
                c = c.getCause();
            }
            assertThat(c).as("an API error, got %s", t).isInstanceOf(ApiException.class);
            assertThat(((ApiException) c).getStatusCode().getCode()).isEqualTo(code);
            assertThat(c.getMessage()).contains(text);
        });
    }
}
