package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mlship.sandbox.serving.WorkloadRuntime;
import io.mlship.sandbox.tls.SandboxCa;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Plays the cluster's controllers against an API server without any (the sandbox's in-process API): the
 * Deployment controller with its ReplicaSets and pods ({@link DeploymentController}), cert-manager
 * ({@link CertificateIssuer}) and the ingress controller ({@link IngressAdmitter}, {@link IngressTls}). What pods of an image do is
 * decided by a {@link Behaviour} per image reference. It watches, never polls, and does its work on its own
 * thread so the watch callbacks stay short.
 *
 * <p>With a {@link WorkloadRuntime}, images the runtime has really run ({@link ServingPods}): one server per
 * Deployment revision on a loopback port, and Services selecting its ready pods get {@link #URL_ANNOTATION}.
 * Explicit {@link #changeBehaviour} overrides still win, and images the runtime lacks keep their configured
 * behaviour.
 */
public final class RolloutSimulator implements AutoCloseable {
    /** The annotation on a Service with the URL ({@code http://127.0.0.1:PORT}) its pods really serve on. */
    public static final String URL_ANNOTATION = "sandbox.mlship.io/url";
    /** The annotation on an Ingress with TLS with the URL ({@code https://HOST:PORT}) its host is served on over HTTPS. */
    public static final String HTTPS_URL_ANNOTATION = "sandbox.mlship.io/https-url";

    private final ControllerScope scope;
    private final boolean servesWorkloads;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final ImageBehaviours behaviours;
    private final RevisionServers servers;
    private final ServicePublisher publisher;
    private final DeploymentController deployments;
    private final CertificateIssuer certificates;
    private final IngressAdmitter ingresses;
    private final IngressTls ingressTls;
    private volatile boolean closed;

    private RolloutSimulator(SimulatorSettings s) {
        ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mlship-rollout-simulator");
            t.setDaemon(true);
            return t;
        });
        this.scope = new ControllerScope(s.client(), s.namespace(), worker, () -> closed);
        this.servesWorkloads = s.workloads() != null;
        this.behaviours = new ImageBehaviours(s.behaviourOfImage());
        this.servers = new RevisionServers(s.namespace(), s.workloads());
        this.publisher = new ServicePublisher(s.client(), s.namespace());
        this.deployments = new DeploymentController(scope, s, behaviours, servers, publisher);
        this.ingressTls = new IngressTls(s.client(), s.namespace(), s.router());
        this.certificates = new CertificateIssuer(s.client(), s.namespace(), s.ca(), ingressTls::syncAll);
        this.ingresses = new IngressAdmitter(s.client(), s.namespace(), s.ingressAddress());
    }

    public static Builder builder(KubernetesClient client, String namespace) {
        return new Builder(client, namespace);
    }

    public RolloutSimulator start() {
        KubernetesClient client = scope.client();
        String namespace = scope.namespace();
        informers.add(client.apps().deployments().inNamespace(namespace).inform(EventHandlers.onChange(
                d -> onWorker(() -> deployments.reconcile(d.getMetadata().getName())),
                d -> onWorker(() -> deployments.forget(d.getMetadata().getName())))));
        if (servesWorkloads) {
            informers.add(client.services().inNamespace(namespace).inform(EventHandlers.onChange(
                    s -> onWorker(() -> publisher.onService(s.getMetadata().getName())))));
        }
        informers.add(client.network().v1().ingresses().inNamespace(namespace).inform(EventHandlers.onChange(
                i -> onWorker(() -> {
                    ingresses.admit(i.getMetadata().getName());
                    ingressTls.sync(i.getMetadata().getName());
                }))));
        informers.add(client.genericKubernetesResources(CertificateIssuer.CERTIFICATES).inNamespace(namespace).inform(EventHandlers.onChange(
                c -> onWorker(() -> certificates.issue(c.getMetadata().getName())))));
        return this;
    }

    private void onWorker(Runnable work) {
        scope.worker().execute(work);
    }

    /** Called with the instant a rollout's completion was written to the API (for measuring how fast it is noticed). */
    public void onRolloutComplete(Consumer<Instant> listener) {
        deployments.onRolloutComplete(listener);
    }

    /** From now on pods of images containing {@code fragment} behave like this, including pods that already run. */
    public void changeBehaviour(String fragment, Behaviour behaviour) {
        behaviours.override(fragment, behaviour);
    }

    /** Stops playing the ingress controller: Ingresses get no address. */
    public void withoutIngressController() {
        ingresses.disable();
    }

    /** Makes cert-manager fail to issue, with this reason (as an ACME challenge would report it). */
    public void failCertificates(String reason) {
        certificates.fail(reason);
    }

    /** Stops watching and stops every server it started. */
    @Override
    public void close() {
        closed = true;
        informers.forEach(SharedIndexInformer::close);
        scope.worker().shutdownNow();
        try {
            scope.worker().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        servers.closeAll();
        ingressTls.close();
    }

    public static final class Builder {
        private final KubernetesClient client;
        private final String namespace;
        private Function<String, Behaviour> behaviourOfImage = image -> Behaviour.SUCCEED;
        private Duration progressDeadline = Duration.ofSeconds(2);
        private WorkloadRuntime workloads;
        private String ingressAddress = "10.128.0.42";
        private SandboxCa ca;
        private Duration probePeriod = Duration.ofMillis(100);
        private int slowReadyFailures = 18; // 90 s of a 5 s readiness probe
        private java.net.InetSocketAddress router;
        private String crashMessage = "Traceback (most recent call last):\n  File \"/app/src/reco/server.py\", line 3, in <module>\n"
                + "ModuleNotFoundError: No module named 'ranker'";

        private Builder(KubernetesClient client, String namespace) {
            this.client = client;
            this.namespace = namespace;
        }

        /** Pods of images containing {@code fragment} (a digest, say) behave like this; others succeed. */
        public Builder behaviour(String fragment, Behaviour behaviour) {
            Function<String, Behaviour> before = behaviourOfImage;
            behaviourOfImage = image -> image.contains(fragment) ? behaviour : before.apply(image);
            return this;
        }

        /** How long a hanging rollout takes to report ProgressDeadlineExceeded (scaled down from the spec's seconds). */
        public Builder progressDeadline(Duration d) {
            this.progressDeadline = d;
            return this;
        }

        /** Really run the images this runtime has (one server per revision); others keep their behaviour. */
        public Builder workloads(WorkloadRuntime runtime) {
            this.workloads = runtime;
            return this;
        }

        /** The address the simulated ingress controller gives Ingresses (the sandbox serves on 127.0.0.1). */
        public Builder ingressAddress(String address) {
            this.ingressAddress = address;
            return this;
        }

        /** Issue real certificates from this CA and serve Ingresses with TLS over HTTPS (without: Ready conditions only). */
        public Builder certificateAuthority(SandboxCa authority) {
            this.ca = authority;
            return this;
        }

        /** How long one readiness probe period of a scripted not-ready or slow pod lasts (scaled down from the spec's seconds). */
        public Builder probePeriod(Duration d) {
            this.probePeriod = d;
            return this;
        }

        /** How many readiness probes a {@link Behaviour#SLOW_READY} pod fails before it becomes ready. */
        public Builder slowReadyFailures(int failures) {
            this.slowReadyFailures = failures;
            return this;
        }

        /**
         * Serve each TLS host in front of this router (HTTP, routing by Host header as the routes say), as an
         * ingress controller terminates TLS before it routes: a canary's weights and header rules hold over HTTPS too.
         */
        public Builder router(java.net.InetSocketAddress address) {
            this.router = address;
            return this;
        }

        public Builder crashMessage(String message) {
            this.crashMessage = message;
            return this;
        }

        public RolloutSimulator build() {
            return new RolloutSimulator(new SimulatorSettings(client, namespace, behaviourOfImage, progressDeadline, workloads,
                    ingressAddress, crashMessage, ca, probePeriod, slowReadyFailures, router));
        }
    }
}
