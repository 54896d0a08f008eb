package io.mlship.sandbox.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.kube.manifest.CanaryRenderer;
import io.mlship.kube.manifest.CanarySpecs;
import io.mlship.kube.manifest.ManifestRenderer;
import io.mlship.kube.manifest.PodImage;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.SpecLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's router sends a host's requests where the rendered routes say: nginx's canary Ingress and the
 * Gateway API's weighted HTTPRoute, each at a 10% step, counted over 1,000 requests; the canary header always
 * reaches the candidate. The two Services answer from two local servers that say which they are.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostRouterTest {
    static final String NS = "reco";
    static final String HOST = "reco.staging.internal.example.com";
    static final PodImage IMAGE = PodImage.byDigest("europe-west4-docker.pkg.dev/p/r/reco-service", "sha256:" + "ab".repeat(32));

    @TempDir
    Path dir;
    SandboxCluster cluster;
    KubernetesClient admin;
    HostRouter router;
    HttpServer stable;
    HttpServer candidate;

    @BeforeAll
    void start() throws IOException {
        cluster = SandboxCluster.start().withNamespace(NS);
        admin = cluster.client();
        stable = answering("stable");
        candidate = answering("candidate");
        service("reco-service", stable);
        service("reco-service-canary", candidate);
        Random seeded = new Random(42);
        router = HostRouter.start(admin, 0, bound -> {
            synchronized (seeded) {
                return seeded.nextInt(bound);
            }
        });
    }

    @AfterAll
    void stop() {
        router.close();
        stable.stop(0);
        candidate.stop(0);
        cluster.close();
    }

    static HttpServer answering(String who) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.createContext("/", x -> {
            byte[] body = who.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        s.start();
        return s;
    }

    void service(String name, HttpServer server) {
        admin.services().inNamespace(NS).resource(new ServiceBuilder().withNewMetadata().withName(name)
                .addToAnnotations(RolloutSimulator.URL_ANNOTATION, "http://127.0.0.1:" + server.getAddress().getPort())
                .endMetadata().withNewSpec().addToSelector("app", name).addNewPort().withPort(80).endPort().endSpec().build()).create();
    }

    EnvironmentView view(boolean gateway) throws IOException {
        Path spec = CanarySpecs.exampleWithCanary(dir.resolve(gateway ? "gateway" : "nginx"), gateway);
        return EnvironmentView.of(new SpecLoader(new ObjectMapper()).load(spec, spec.getParent()), "staging");
    }

    /** Applies what routes the host for the stable release and then the canary step's route at {@code percent}. */
    void route(EnvironmentView view, int percent) {
        admin.network().v1().ingresses().inNamespace(NS).delete();
        admin.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute").inNamespace(NS).delete();
        List<HasMetadata> stableObjects = new ManifestRenderer().render(view, IMAGE);
        stableObjects.stream().filter(o -> o instanceof Ingress || o.getKind().equals("HTTPRoute"))
                .forEach(o -> admin.resource(o).serverSideApply());
        admin.resource(new CanaryRenderer().route(view, percent)).forceConflicts().serverSideApply();
    }

    /** A GET through the router with the host's name in Host (which Java's HTTP client does not let one set). */
    String get(String host, String extraHeader) throws IOException {
        URI u = URI.create(router.url());
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(10_000);
            String request = "GET /v1/recommendations?q=x HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (extraHeader == null ? "" : extraHeader + "\r\n") + "Connection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }

    int candidateAnswers(int requests) throws Exception {
        Thread.sleep(250); // the router reads its routes again at most every 200 ms, as a controller lags its API
        int n = 0;
        for (int i = 0; i < requests; i++) {
            n += get(HOST, null).equals("candidate") ? 1 : 0;
        }
        return n;
    }

    @Test
    void aTenPercentNginxStepSendsAboutATenthOfTheHostToTheCandidate() throws Exception {
        route(view(false), 10);

        assertThat(candidateAnswers(1_000)).as("answers from the candidate of 1,000").isBetween(70, 130);
        assertThat(get(HOST, "x-mlship-canary: always")).isEqualTo("candidate");
        assertThat(get(HOST, "x-mlship-canary: never")).isEqualTo("stable");
    }

    @Test
    void aTenPercentGatewayStepSendsAboutATenthOfTheHostToTheCandidate() throws Exception {
        route(view(true), 10);

        assertThat(candidateAnswers(1_000)).as("answers from the candidate of 1,000").isBetween(70, 130);
        for (int i = 0; i < 20; i++) {
            assertThat(get(HOST, "x-mlship-canary: always")).isEqualTo("candidate");
            assertThat(get(HOST, "x-mlship-canary: never")).as("the gate's baseline is stable alone").isEqualTo("stable");
        }
    }

    @Test
    void routedBackToStableNothingReachesTheCandidateAndAnUnknownHostIsNotFound() throws Exception {
        route(view(true), 10);
        EnvironmentView gateway = view(true);
        admin.resource(new CanaryRenderer().route(gateway, 0)).forceConflicts().serverSideApply();

        assertThat(candidateAnswers(50)).isZero();
        assertThat(get("nobody.example.com", null)).contains("no Ingress or HTTPRoute routes nobody.example.com");
    }
}
