package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.kube.rollout.RolloutOutcome;
import io.mlship.kube.rollout.RolloutWatcher;
import io.mlship.progress.Progress;
import io.mlship.sandbox.serving.Workload;
import io.mlship.sandbox.serving.WorkloadRequest;
import io.mlship.sandbox.serving.WorkloadRuntime;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The simulator with a runtime: one server per revision, readiness from the probe path, crashes reported as the
 * kubelet would, the Service annotated, in every namespace as it appears (a fake runtime: no processes here).
 */
class ServingSimulatorTest {
    static final Map<String, String> SELECTOR = Map.of("app.kubernetes.io/name", "svc");
    final Progress quiet = Progress.silent();
    final FakeRuntime runtime = new FakeRuntime();
    SandboxCluster cluster;
    ClusterControllers controllers;
    KubernetesClient client;
    /** Env var → Secret name (key api-key) the next Deployment refers to. */
    Map<String, String> secretEnv = Map.of();

    @BeforeEach
    void start() {
        cluster = SandboxCluster.start();
        client = cluster.client();
        controllers = new ClusterControllers(client, ns -> RolloutSimulator.builder(client, ns).workloads(runtime)
                .ingressAddress("127.0.0.1").build().start()).start();
    }

    @AfterEach
    void stop() {
        controllers.close();
        cluster.close();
    }

    @Test
    void aRevisionIsAvailableOnceItsServerAnswersTheReadinessPathAndTheServiceSaysWhere() throws Exception {
        namespace("team-a");
        client.configMaps().inNamespace("team-a").resource(new ConfigMapBuilder().withNewMetadata().withName("svc-env").endMetadata()
                .addToData("MODEL_DIR", "/opt/model").addToData("LEVEL", "from-config-map").build()).create();
        service("team-a");

        RolloutOutcome outcome = deployAndWait("team-a", "reg/svc@sha256:real1", 2);

        assertThat(outcome.available()).as(outcome.reason()).isTrue();
        assertThat(runtime.started).hasSize(1); // one server for two replicas
        WorkloadRequest request = runtime.started.get(0);
        assertThat(request.env()).containsEntry("MODEL_DIR", "/opt/model").containsEntry("LEVEL", "from-env");
        assertThat(request.name()).startsWith("team-a-svc-");
        assertThat(client.pods().inNamespace("team-a").list().getItems()).hasSize(2)
                .allSatisfy(p -> assertThat(p.getStatus().getContainerStatuses().get(0).getReady()).isTrue());
        assertThat(serviceUrl("team-a")).isEqualTo("http://127.0.0.1:" + request.port());

        RolloutOutcome second = deployAndWait("team-a", "reg/svc@sha256:real2", 2);

        assertThat(second.available()).as(second.reason()).isTrue();
        assertThat(runtime.started).hasSize(2);
        assertThat(runtime.workloads.get(0).closed).as("the first revision's server is stopped").isTrue();
        assertThat(serviceUrl("team-a")).isEqualTo("http://127.0.0.1:" + runtime.started.get(1).port());
    }

    @Test
    void aSecretKeyRefGivesTheServerTheSecretsValueAndAMissingOneStopsThePod() throws Exception {
        namespace("team-s");
        client.secrets().inNamespace("team-s").resource(new SecretBuilder().withNewMetadata().withName("svc-qdrant").endMetadata()
                .addToData("api-key", java.util.Base64.getEncoder().encodeToString("s3cret".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .build()).create();
        secretEnv = Map.of("QDRANT_API_KEY", "svc-qdrant");

        RolloutOutcome outcome = deployAndWait("team-s", "reg/svc@sha256:real1", 1);

        assertThat(outcome.available()).as(outcome.reason()).isTrue();
        assertThat(runtime.started.get(0).env()).containsEntry("QDRANT_API_KEY", "s3cret");

        secretEnv = Map.of("QDRANT_API_KEY", "svc-missing");
        RolloutOutcome missing = deployAndWait("team-s", "reg/svc@sha256:real2", 1);

        assertThat(missing.available()).isFalse();
        assertThat(missing.reason()).contains("(CreateContainerConfigError): secret \"svc-missing\" not found");
        assertThat(runtime.started).hasSize(1); // the kubelet never starts a container it cannot configure
    }

    @Test
    void aServerThatExitsIsACrashLoopWithItsExitCodeAndLastLines() throws Exception {
        namespace("team-b");
        RolloutOutcome outcome = deployAndWait("team-b", "reg/svc@sha256:realcrash", 1);

        assertThat(outcome.available()).isFalse();
        assertThat(outcome.reason()).startsWith("container server exited 3: ValueError: no model in /opt/model (CrashLoopBackOff");
        var cs = client.pods().inNamespace("team-b").list().getItems().get(0).getStatus().getContainerStatuses().get(0);
        assertThat(cs.getLastState().getTerminated().getMessage()).contains("Traceback").contains("ValueError");
    }

    @Test
    void imagesTheRuntimeLacksAndOverriddenImagesKeepTheirBehaviour() throws Exception {
        namespace("team-c");
        assertThat(deployAndWait("team-c", "reg/svc@sha256:elsewhere", 1).available()).isTrue();
        controllers.simulator("team-c", 10).changeBehaviour("sha256:realbad", Behaviour.CRASH_LOOP);
        RolloutOutcome overridden = deployAndWait("team-c", "reg/svc@sha256:realbad", 1);

        assertThat(overridden.available()).isFalse();
        assertThat(overridden.reason()).contains("ModuleNotFoundError"); // the simulator's configured crash
        assertThat(runtime.started).isEmpty();
    }

    @Test
    void aDeletedNamespaceStopsItsServers() throws Exception {
        namespace("team-d");
        assertThat(deployAndWait("team-d", "reg/svc@sha256:real1", 1).available()).isTrue();
        assertThat(controllers.namespaces()).containsExactly("team-d");

        client.namespaces().withName("team-d").delete();

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (controllers.namespaces().contains("team-d") && System.nanoTime() < deadline) {
            Thread.sleep(20); // the namespace informer's callback closes it
        }
        assertThat(controllers.namespaces()).doesNotContain("team-d");
        assertThat(runtime.workloads.get(0).closed).isTrue();
    }

    private void namespace(String name) throws InterruptedException {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
        controllers.simulator(name, 10);
    }

    private void service(String ns) {
        client.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata().withName("svc").endMetadata()
                .withNewSpec().withSelector(SELECTOR).addNewPort().withPort(80).endPort().endSpec().build()).create();
    }

    private String serviceUrl(String ns) {
        return client.services().inNamespace(ns).withName("svc").get().getMetadata().getAnnotations()
                .get(RolloutSimulator.URL_ANNOTATION);
    }

    private RolloutOutcome deployAndWait(String ns, String image, int replicas) {
        var live = client.apps().deployments().inNamespace(ns).withName("svc").get();
        var d = new DeploymentBuilder()
                .withNewMetadata().withName("svc").withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(replicas).withProgressDeadlineSeconds(20)
                .withNewSelector().withMatchLabels(SELECTOR).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(SELECTOR).endMetadata()
                .withNewSpec().addNewContainer().withName("server").withImage(image)
                .addNewEnvFrom().withNewConfigMapRef().withName("svc-env").endConfigMapRef().endEnvFrom()
                .addNewEnv().withName("LEVEL").withValue("from-env").endEnv()
                .addAllToEnv(secretEnv.entrySet().stream().map(e -> new EnvVarBuilder().withName(e.getKey()).withNewValueFrom()
                        .withNewSecretKeyRef().withName(e.getValue()).withKey("api-key").endSecretKeyRef().endValueFrom().build()).toList())
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withNewPort("http").endHttpGet().endReadinessProbe()
                .endContainer().endSpec()
                .endTemplate().endSpec().build();
        if (live == null) {
            client.apps().deployments().inNamespace(ns).resource(d).create();
        } else {
            d.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
            client.apps().deployments().inNamespace(ns).resource(d).update();
        }
        try (RolloutWatcher watcher = new RolloutWatcher(client, ns, "svc", SELECTOR, quiet)) {
            return watcher.await(image, Duration.ofSeconds(20), Duration.ofSeconds(20));
        }
    }

    /** Has images whose digest starts with "real"; "realcrash" exits at once, the others serve /ready. */
    static final class FakeRuntime implements WorkloadRuntime {
        final List<WorkloadRequest> started = new CopyOnWriteArrayList<>();
        final List<FakeWorkload> workloads = new CopyOnWriteArrayList<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public boolean has(String image) {
            return image.contains("@sha256:real");
        }

        @Override
        public Workload start(WorkloadRequest request) throws Exception {
            started.add(request);
            FakeWorkload w = new FakeWorkload(request.port(), request.image().endsWith("realcrash"));
            workloads.add(w);
            return w;
        }

        @Override
        public void close() {
        }
    }

    static final class FakeWorkload implements Workload {
        final int port;
        final boolean crashes;
        final HttpServer server;
        volatile boolean closed;

        FakeWorkload(int port, boolean crashes) throws Exception {
            this.port = port;
            this.crashes = crashes;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            server.createContext("/ready", x -> {
                x.sendResponseHeaders(200, -1);
                x.close();
            });
            if (!crashes) {
                server.start();
            }
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public Optional<Exit> exit() {
            return crashes ? Optional.of(new Exit(3, "Traceback (most recent call last):\n  File \"x.py\"\nValueError: no model in /opt/model"))
                    : Optional.empty();
        }

        @Override
        public String logLocation() {
            return "memory";
        }

        @Override
        public void close() {
            closed = true;
            server.stop(0);
        }
    }
}
