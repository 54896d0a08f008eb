package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.container.Podman;
import io.mlship.sandbox.container.PythonBaseImage;
import io.mlship.sandbox.kube.RolloutSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code --runtime podman} the cluster and the Vertex AI emulator run the built image itself: the example built
 * on the sandbox's offline Python base image, deployed with mlship deploy and promoted with mlship promote, answers
 * from its containers. Needs the Debian packages
 * podman and runc (bin/setup installs them from bin/packages/sandbox.txt); without them this test fails saying so.
 */
class SandboxPodmanTest {
    @TempDir
    Path tmp;

    @Test
    void theBuiltImageRunsUnderPodmanAndAnswersAtTheServicesUrl() throws Exception {
        assertThat(Podman.installed()).as("the podman runtime needs the Debian packages '" + Podman.PACKAGES
                + "': run bin/setup (it installs bin/packages/sandbox.txt)").isTrue();
        // The same cache folder as the container tests: the base image is made once per build directory.
        Path base = new PythonBaseImage(Path.of("target", "container-test", "base-cache").toAbsolutePath(), System.err)
                .ensure().archive();
        Path repo = ExampleImages.repo(tmp.resolve("repo"));
        try (Sandbox sandbox = Sandbox.start(new SandboxStateDir(tmp.resolve("state")), RuntimeKind.PODMAN)) {
            SandboxInfo info = sandbox.publish();
            assertThat(info.runtime()).isEqualTo("podman");
            KubernetesClient admin = sandbox.cluster().client();
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("reco").endMetadata().build()).create();
            String digest = ExampleImages.build(repo, Path.of(info.imagesDir(), "reco.tar"), base.toString());

            CliRun run = CliRun.of(tmp.resolve("out"), "deploy", "--spec", repo.resolve("mlship.yaml").toString(),
                    "--env", "staging", "--kubeconfig", info.kubeconfig(), "--context", info.kubeContext(),
                    "--image-digest", digest, "--certificate-timeout", "10s", "--ingress-timeout", "10s",
                    "--result-dir", tmp.resolve("out").toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            String url = admin.services().inNamespace("reco").withName("reco-service").get()
                    .getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION);
            HttpResponse<String> reco = SandboxServicesTest.get(url + "/v1/recommendations?q=lipstick&k=3");
            assertThat(reco.statusCode()).isEqualTo(200);
            JsonNode items = new ObjectMapper().readTree(reco.body()).path("items");
            assertThat(items).hasSize(3).allSatisfy(i -> assertThat(i.path("category").asText()).isEqualTo("lipstick"));

            Path broken = ExampleImages.repo(tmp.resolve("broken"), "src/reco/server.py", "import json\n",
                    "import json\nimport ranker  # a module the image does not have\n");
            String brokenDigest = ExampleImages.build(broken, Path.of(info.imagesDir(), "broken.tar"), base.toString());
            CliRun failed = CliRun.of(tmp.resolve("out"), "deploy", "--spec", repo.resolve("mlship.yaml").toString(),
                    "--env", "staging", "--kubeconfig", info.kubeconfig(), "--context", info.kubeContext(),
                    "--image-digest", brokenDigest, "--certificate-timeout", "10s", "--ingress-timeout", "10s",
                    "--result-dir", tmp.resolve("out").toString());
            assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
            assertThat(failed.result("deploy").path("errorDetails").path("message").asText())
                    // podman may hand the traceback's last lines over in either order
                    .contains("exited 1").contains("ModuleNotFoundError").contains("No module named 'ranker'").contains("rolled back");
            assertThat(SandboxServicesTest.get(url + "/readyz").statusCode()).as("the previous container serves").isEqualTo(200);

            // Vertex AI serves the promoted model from the same image, in a container of its own.
            SandboxStateDir state = new SandboxStateDir(tmp.resolve("state"));
            io.mlship.spec.SpecFixtures.copyTree(repo.resolve("training-output/reco-ranker/v1"),
                    state.storageRoot().resolve("ds-training-output/reco-ranker/v1"));
            CliRun promoted = CliRun.of(tmp.resolve("promote"), "promote", "--spec", repo.resolve("mlship.yaml").toString(),
                    "--env", "staging", "--model-version", "v1", "--image-digest", digest, "--sandbox", state.dir().toString(),
                    "--result-dir", tmp.resolve("promote").toString());
            assertThat(promoted.exitCode()).as(promoted.err()).isZero();
            try (io.mlship.model.VertexClients vertex = new io.mlship.model.VertexClients(
                    io.mlship.model.VertexApi.emulator(info.vertexGrpc()), java.time.Duration.ofSeconds(20))) {
                com.google.protobuf.Value instance = com.google.protobuf.Value.newBuilder().setStructValue(
                        com.google.protobuf.Struct.newBuilder()
                                .putFields("query", com.google.protobuf.Value.newBuilder().setStringValue("lipstick").build())
                                .putFields("k", com.google.protobuf.Value.newBuilder().setNumberValue(3).build())).build();
                var prediction = vertex.predictions().predict(promoted.result("promote").path("endpoint").asText(),
                        java.util.List.of(instance), com.google.protobuf.Value.getDefaultInstance());
                assertThat(prediction.getPredictions(0).getStructValue().getFieldsOrThrow("items").getListValue()
                        .getValuesList()).hasSize(3).allSatisfy(i -> assertThat(i.getStructValue()
                                .getFieldsOrThrow("category").getStringValue()).isEqualTo("lipstick"));
            }

            // The answers come from containers (conmon's children), not from server processes of this JVM.
            assertThat(ProcessHandle.current().descendants()
                    .filter(p -> p.info().arguments().map(a -> java.util.List.of(a).contains("reco.server")).orElse(false)))
                    .isEmpty();
            sandbox.close();
            assertThatThrownBy(() -> SandboxServicesTest.get(url + "/healthz")).as("the container is stopped")
                    .isInstanceOf(java.net.ConnectException.class);
        } finally {
            // podman keeps its run root in /tmp for a deep state folder: remove it with the test's images
            Podman.inStateDir(tmp.resolve("state/work/podman"), System.err).reset();
        }
    }
}
