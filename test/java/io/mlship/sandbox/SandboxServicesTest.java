package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.kube.RolloutSimulator;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
 * The sandbox's cluster really serves what mlship deploys: images built with {@code mlship build --tar} into the
 * sandbox's images folder, deployed with {@code mlship deploy} through its kubeconfig, run as local processes
 * (one per revision) and answer real HTTP requests at the URL the Service is annotated with. The tests are one
 * release history, in order: first deploy, a new version, a broken version rolled back, the sandbox stopped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxServicesTest {
    static final String NS = "reco";
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path tmp;
    Sandbox sandbox;
    SandboxInfo info;
    KubernetesClient admin;
    Path spec;
    String firstUrl;
    String secondUrl;

    @BeforeAll
    void start() throws Exception {
        sandbox = Sandbox.start(new SandboxStateDir(tmp.resolve("state")), RuntimeKind.PROCESS);
        info = sandbox.publish();
        admin = sandbox.cluster().client();
        // As a release does when the environment's namespace is missing.
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
        spec = ExampleImages.repo(tmp.resolve("v1")).resolve("mlship.yaml");
    }

    @AfterAll
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Order(1)
    void theInfoNamesTheKubeconfigContextAndImagesFolder() {
        assertThat(info.kubeconfig()).isEqualTo(tmp.resolve("state/kubeconfig").toString());
        assertThat(info.kubeContext()).isEqualTo("sandbox");
        assertThat(info.imagesDir()).isEqualTo(tmp.resolve("state/images").toString());
        assertThat(info.runtime()).isEqualTo("process");
    }

    @Test
    @Order(2)
    void aDeployedImageRunsAndAnswersAtTheServicesUrl() throws Exception {
        String digest = ExampleImages.build(spec.getParent(), Path.of(info.imagesDir(), "reco-1.tar"), "scratch");

        CliRun run = deploy(digest);

        assertThat(run.exitCode()).as(run.err()).isZero();
        Deployment d = admin.apps().deployments().inNamespace(NS).withName("reco-service").get();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).endsWith("@" + digest);
        assertThat(d.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Available");
            assertThat(c.getStatus()).isEqualTo("True");
        });
        assertThat(d.getStatus().getAvailableReplicas()).isPositive();
        Ingress ingress = admin.network().v1().ingresses().inNamespace(NS).withName("reco-service").get();
        assertThat(ingress.getStatus().getLoadBalancer().getIngress().get(0).getIp()).isEqualTo("127.0.0.1");
        firstUrl = serviceUrl();
        assertThat(firstUrl).matches("http://127\\.0\\.0\\.1:\\d+");

        HttpResponse<String> reco = get(firstUrl + "/v1/recommendations?q=lipstick&k=5");
        assertThat(reco.statusCode()).isEqualTo(200);
        assertThat(reco.headers().firstValue("Server")).hasValue("reco-service/1.4.0");
        JsonNode body = new ObjectMapper().readTree(reco.body());
        assertThat(body.path("items")).hasSize(5)
                .allSatisfy(item -> assertThat(item.path("category").asText()).isEqualTo("lipstick"));
        assertThat(body.path("model").path("version").asText()).isEqualTo("v2");
        String host = ingress.getSpec().getRules().get(0).getHost();
        assertThat(throughRouter(host, "/v1/recommendations?q=lipstick&k=5")).as("the host, through the sandbox's router")
                .startsWith("HTTP/1.1 200").contains("\"category\": \"lipstick\"");
        assertThat(throughRouter("nobody.example.com", "/")).startsWith("HTTP/1.1 404").contains("no Ingress or HTTPRoute");
    }

    /** A GET to the sandbox's router with {@code host} in the Host header (Java's HTTP client will not set it). */
    String throughRouter(String host, String path) throws Exception {
        java.net.URI router = java.net.URI.create(info.routerUrl());
        try (java.net.Socket s = new java.net.Socket(router.getHost(), router.getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    @Order(3)
    void aNewVersionReplacesTheServerOfThePreviousRevision() throws Exception {
        Path repo = ExampleImages.repo(tmp.resolve("v2"), "src/reco/__init__.py", "__version__ = \"1.4.0\"",
                "__version__ = \"1.5.0\"");
        String digest = ExampleImages.build(repo, Path.of(info.imagesDir(), "reco-2.tar"), "scratch");

        CliRun run = deploy(digest);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.result("deploy").path("revision").asText()).isEqualTo("2");
        secondUrl = serviceUrl();
        assertThat(secondUrl).isNotEqualTo(firstUrl);
        assertThat(get(secondUrl + "/v1/recommendations?q=lipstick").headers().firstValue("Server"))
                .hasValue("reco-service/1.5.0");
        assertThatThrownBy(() -> get(firstUrl + "/healthz")).as("the first revision's server is stopped")
                .isInstanceOf(ConnectException.class);
    }

    @Test
    @Order(4)
    void aServerThatCrashesFailsTheDeployWithItsErrorAndThePreviousRevisionKeepsServing() throws Exception {
        Path repo = ExampleImages.repo(tmp.resolve("broken"), "src/reco/server.py", "import json\n",
                "import json\nimport ranker  # a module the image does not have\n");
        String digest = ExampleImages.build(repo, Path.of(info.imagesDir(), "reco-broken.tar"), "scratch");

        CliRun run = deploy(digest);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode error = run.result("deploy").path("errorDetails");
        assertThat(error.path("category").asText()).isEqualTo("rolloutFailed");
        assertThat(error.path("message").asText()).contains("exited 1: ModuleNotFoundError: No module named 'ranker'")
                .contains("CrashLoopBackOff").contains("rolled back");
        assertThat(serviceUrl()).isEqualTo(secondUrl);
        HttpResponse<String> still = get(secondUrl + "/v1/recommendations?q=lipstick");
        assertThat(still.statusCode()).isEqualTo(200);
        assertThat(still.headers().firstValue("Server")).hasValue("reco-service/1.5.0");
    }

    @Test
    @Order(5)
    void closingTheSandboxStopsEveryServer() {
        List<ProcessHandle> servers = ProcessHandle.current().descendants()
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains("reco.server")).orElse(false)).toList();
        assertThat(servers).as("one server: the current revision's").hasSize(1);

        sandbox.close();
        sandbox = null;

        assertThat(servers).noneMatch(ProcessHandle::isAlive);
        assertThatThrownBy(() -> get(secondUrl + "/healthz")).isInstanceOf(ConnectException.class);
    }

    private CliRun deploy(String digest) {
        Path out = tmp.resolve("out");
        return CliRun.of(out, "deploy", "--spec", spec.toString(), "--env", "staging",
                "--kubeconfig", info.kubeconfig(), "--context", info.kubeContext(), "--image-digest", digest,
                "--git-sha", "0123abc", "--certificate-timeout", "10s", "--ingress-timeout", "10s",
                "--result-dir", out.toString());
    }

    private String serviceUrl() {
        Service s = admin.services().inNamespace(NS).withName("reco-service").get();
        assertThat(s).isNotNull();
        return s.getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION);
    }

    static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
