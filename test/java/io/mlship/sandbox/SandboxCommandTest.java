package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.aiplatform.v1.LocationName;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.mlship.cli.CliRun;
import io.mlship.model.VertexClients;
import io.mlship.model.VertexApi;
import io.mlship.sandbox.kube.RolloutSimulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mlship sandbox up|status|down: a detached process, one JSON object, and a stop that leaves nothing running. */
class SandboxCommandTest {

    @TempDir
    Path tmp;

    @Test
    void upPrintsHowToReachItStatusAgreesAndDownStopsEverything() throws Exception {
        Path state = tmp.resolve("state");
        CliRun up = CliRun.of(tmp, "sandbox", "up", "--state", state.toString());
        List<ProcessHandle> started = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            assertThat(up.exitCode()).as(up.err()).isZero();
            JsonNode info = new ObjectMapper().readTree(up.out());
            assertThat(info.get("vertexGrpc").asText()).startsWith("127.0.0.1:");
            assertThat(info.get("vertexRest").asText()).startsWith("http://127.0.0.1:");
            assertThat(info.get("storageRoot").asText()).isEqualTo(state.resolve("storage").toString());
            // gcloud's api_endpoint_overrides/storage takes the API root; client libraries take the host alone.
            assertThat(info.get("storageHost").asText()).startsWith("http://127.0.0.1:");
            assertThat(info.get("storageRest").asText()).isEqualTo(info.get("storageHost").asText() + "/storage/v1/");
            assertThat(up.err()).contains("api_endpoint_overrides/storage", "STORAGE_EMULATOR_HOST=" + info.get("storageHost").asText());
            assertThat(info.get("kubeconfig").asText()).isEqualTo(state.resolve("kubeconfig").toString());
            assertThat(info.get("kubeContext").asText()).isEqualTo("sandbox");
            assertThat(info.get("imagesDir").asText()).isEqualTo(state.resolve("images").toString());
            assertThat(info.get("runtime").asText()).isEqualTo("process");
            assertThat(up.err()).contains("Kubernetes", "--kubeconfig " + state.resolve("kubeconfig") + " --context sandbox",
                    "Vertex AI (gRPC)", "mlship sandbox down --state");
            long pid = info.get("pid").asLong();
            started.add(ProcessHandle.of(pid).orElseThrow());
            ports.add(Integer.parseInt(info.get("vertexGrpc").asText().replaceFirst(".*:", "")));
            ports.add(URI.create(info.get("vertexRest").asText()).getPort());

            try (VertexClients vertex = new VertexClients(VertexApi.emulator(info.get("vertexGrpc").asText()),
                    Duration.ofSeconds(10))) {
                assertThat(vertex.models().listModels(LocationName.of("p", "europe-west4")).iterateAll()).isEmpty();
            }
            String serviceUrl = deployTheExample(state, info, ports);
            ports.add(URI.create(serviceUrl).getPort());
            assertThat(SandboxServicesTest.get(serviceUrl + "/readyz").statusCode()).isEqualTo(200);
            ProcessHandle.of(pid).orElseThrow().descendants().forEach(started::add);
            assertThat(started).as("the sandbox and the service's server").hasSizeGreaterThanOrEqualTo(2);

            CliRun again = CliRun.of(tmp, "sandbox", "up", "--state", state.toString());
            assertThat(new ObjectMapper().readTree(again.out())).isEqualTo(info);
            assertThat(again.err()).contains("already running");
            CliRun status = CliRun.of(tmp, "sandbox", "status", "--state", state.toString(), "--project", "ds-ml-staging");
            assertThat(status.exitCode()).isZero();
            assertThat(new ObjectMapper().readTree(status.out())).isEqualTo(info);
            assertThat(status.err()).contains("project ds-ml-staging is projects/"
                    + io.mlship.sandbox.vertex.ProjectNumbers.of("ds-ml-staging") + " in Vertex AI's names");
        } finally {
            CliRun down = CliRun.of(tmp, "sandbox", "down", "--state", state.toString());
            assertThat(down.exitCode()).as(down.err()).isZero();
        }
        CliRun after = CliRun.of(tmp, "sandbox", "status", "--state", state.toString());
        assertThat(after.exitCode()).isEqualTo(3);
        assertThat(after.err()).contains("not running");
        assertThat(started).noneMatch(ProcessHandle::isAlive);
        assertThat(ports).hasSize(4).noneMatch(SandboxCommandTest::listening);
        assertThat(state.resolve("kubeconfig")).doesNotExist();
    }

    @Test
    void anUnknownRuntimeIsBadInput() {
        CliRun up = CliRun.of(tmp, "sandbox", "up", "--state", tmp.resolve("s").toString(), "--runtime", "docker");
        assertThat(up.exitCode()).isEqualTo(2);
        assertThat(up.err()).contains("unknown sandbox runtime 'docker'").contains("process or podman");
    }

    /** Builds the example into the sandbox's images folder and deploys it; returns the Service's URL. */
    private String deployTheExample(Path state, JsonNode info, List<Integer> ports) throws IOException {
        Path kubeconfig = Path.of(info.get("kubeconfig").asText());
        Config config = Config.fromKubeconfig("sandbox", Files.readString(kubeconfig), kubeconfig.toString());
        ports.add(URI.create(config.getMasterUrl()).getPort());
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("reco").endMetadata().build()).create();
            Path repo = ExampleImages.repo(tmp.resolve("repo"));
            String digest = ExampleImages.build(repo, Path.of(info.get("imagesDir").asText(), "reco.tar"), "scratch");
            CliRun deploy = CliRun.of(tmp.resolve("out"), "deploy", "--spec", repo.resolve("mlship.yaml").toString(),
                    "--env", "staging", "--kubeconfig", kubeconfig.toString(), "--context", "sandbox",
                    "--image-digest", digest, "--certificate-timeout", "10s", "--ingress-timeout", "10s",
                    "--result-dir", tmp.resolve("out").toString());
            assertThat(deploy.exitCode()).as(deploy.err()).isZero();
            return client.services().inNamespace("reco").withName("reco-service").get()
                    .getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
