package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mlship.sandbox.serving.Workload;
import io.mlship.sandbox.serving.WorkloadRequest;
import io.mlship.sandbox.serving.WorkloadRuntime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Plays the cluster's controllers against an API server without any (the sandbox's in-process API): the
 * Deployment controller (ReplicaSet, pods, status and conditions, revision), the kubelet (container states,
 * events), cert-manager (Certificate Ready) and the ingress controller (Ingress address). What pods of an image
 * do is decided by a {@link Behaviour} per image reference. It watches, never polls, and does its work on its
 * own thread so the watch callbacks stay short.
 *
 * <p>With a {@link WorkloadRuntime}, images the runtime has really run: one server per Deployment revision (not
 * per replica) on a loopback port. Pods become Ready when the container's readiness probe path answers 200 there;
 * a server that exits puts them in CrashLoopBackOff with its exit code and last log lines; the revision that
 * becomes available stops the others' servers. Services selecting its pods get {@link #URL_ANNOTATION}. Explicit
 * {@link #changeBehaviour} overrides still win, and images the runtime lacks keep their configured behaviour.
 */
public final class RolloutSimulator implements AutoCloseable {
    /** The annotation on a Service with the URL ({@code http://127.0.0.1:PORT}) its pods really serve on. */
    public static final String URL_ANNOTATION = "sandbox.mlship.io/url";
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
    private static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
    private static final ResourceDefinitionContext CERTIFICATES = new ResourceDefinitionContext.Builder()
            .withGroup("cert-manager.io").withVersion("v1").withKind("Certificate").withPlural("certificates").withNamespaced(true).build();

    private final KubernetesClient client;
    private final String namespace;
    private final Function<String, Behaviour> behaviourOfImage;
    private final Duration progressDeadline;
    private final String crashMessage;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mlship-rollout-simulator");
        t.setDaemon(true);
        return t;
    });
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final Map<String, Long> handledGeneration = new ConcurrentHashMap<>();
    private final List<Consumer<Instant>> completionListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<String, Behaviour> overrides = new ConcurrentHashMap<>();
    private volatile boolean certificatesReady = true;
    private volatile boolean ingressController = true;
    private volatile String certificateFailure = "Issuing certificate as Secret does not exist";
    private final WorkloadRuntime workloads;
    private final String ingressAddress;
    private final ServicePublisher publisher;
    /** Running servers by "deployment/pod-template-hash"; touched on the worker thread only (and by close). */
    private final Map<String, Workload> running = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private RolloutSimulator(Builder b) {
        this.client = b.client;
        this.namespace = b.namespace;
        this.behaviourOfImage = b.behaviourOfImage;
        this.progressDeadline = b.progressDeadline;
        this.crashMessage = b.crashMessage;
        this.workloads = b.workloads;
        this.ingressAddress = b.ingressAddress;
        this.publisher = new ServicePublisher(client, namespace);
    }

    public static Builder builder(KubernetesClient client, String namespace) {
        return new Builder(client, namespace);
    }

    public RolloutSimulator start() {
        informers.add(client.apps().deployments().inNamespace(namespace).inform(handler(
                d -> worker.execute(() -> reconcile(d.getMetadata().getName())),
                d -> worker.execute(() -> forget(d.getMetadata().getName())))));
        if (workloads != null) {
            informers.add(client.services().inNamespace(namespace).inform(handler(s -> worker.execute(() -> publisher.onService(s.getMetadata().getName())))));
        }
        informers.add(client.network().v1().ingresses().inNamespace(namespace).inform(handler(i -> worker.execute(() -> admitIngress(i.getMetadata().getName())))));
        informers.add(client.genericKubernetesResources(CERTIFICATES).inNamespace(namespace).inform(handler(c -> worker.execute(() -> issue(c.getMetadata().getName())))));
        return this;
    }

    /** Called with the instant a rollout's completion was written to the API (for measuring how fast it is noticed). */
    public void onRolloutComplete(Consumer<Instant> listener) {
        completionListeners.add(listener);
    }

    /** From now on pods of images containing {@code fragment} behave like this, including pods that already run. */
    public void changeBehaviour(String fragment, Behaviour behaviour) {
        overrides.put(fragment, behaviour);
    }

    private Behaviour behaviourOf(String image) {
        return override(image).orElseGet(() -> behaviourOfImage.apply(image));
    }

    private java.util.Optional<Behaviour> override(String image) {
        return overrides.entrySet().stream().filter(e -> image.contains(e.getKey())).map(Map.Entry::getValue).findFirst();
    }

    /** Stops playing the ingress controller: Ingresses get no address. */
    public void withoutIngressController() {
        ingressController = false;
    }

    /** Makes cert-manager fail to issue, with this reason (as an ACME challenge would report it). */
    public void failCertificates(String reason) {
        certificatesReady = false;
        certificateFailure = reason;
    }

    private <T> ResourceEventHandler<T> handler(Consumer<T> onChange) {
        return handler(onChange, obj -> { });
    }

    private <T> ResourceEventHandler<T> handler(Consumer<T> onChange, Consumer<T> onDelete) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                onChange.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                onChange.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                onDelete.accept(obj);
            }
        };
    }

    private void reconcile(String name) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (d == null) {
            return;
        }
        long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
        String hash = templateHash(d);
        String key = name + "/" + hash;
        Long seen = handledGeneration.get(name);
        DeploymentStatus st = d.getStatus();
        boolean statusCurrent = st != null && st.getObservedGeneration() != null && st.getObservedGeneration() >= generation
                && key.equals(currentTemplate.get(name));
        if (statusCurrent && seen != null && seen >= generation) {
            return; // our own status write, or nothing new
        }
        handledGeneration.put(name, generation);
        currentTemplate.put(name, key);
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        boolean real = workloads != null && replicas > 0 && override(image).isEmpty() && workloads.has(image);
        if (workloads != null && replicas == 0) {
            stopServers(name, null); // scaled to zero: nothing serves
        }
        Behaviour behaviour = behaviourOf(image);
        int revision = nextRevision(d, hash);
        ReplicaSet rs = replicaSet(d, hash, replicas, revision);
        List<Pod> oldPods = pods(d, hash, false);
        if (real) {
            serve(d, generation, hash, key, revision, replicas, rs, oldPods.size());
            return;
        }
        for (int i = 0; i < replicas; i++) {
            createPod(d, rs, hash, i, behaviour);
        }
        if (behaviour == Behaviour.SUCCEED) {
            completeRollout(d, generation, hash, revision, replicas, rs, oldPods);
            return;
        }
        writeProgressing(d, generation, revision, replicas, rs, oldPods.size());
        if (behaviour == Behaviour.HANG) {
            worker.schedule(() -> deadlineExceeded(name, key, rs.getMetadata().getName()), progressDeadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** New pods ready: the old ReplicaSets scale down and their pods go; the Deployment is available. */
    private void completeRollout(Deployment d, long generation, String hash, int revision, int replicas, ReplicaSet rs, List<Pod> oldPods) {
        for (Pod p : oldPods) {
            client.pods().inNamespace(namespace).resource(p).withGracePeriod(0).delete();
        }
        scaleDownOthers(d, hash);
        Instant reported = writeStatus(d, generation, revision, new DeploymentStatusBuilder()
                .withObservedGeneration(generation).withReplicas(replicas).withUpdatedReplicas(replicas)
                .withReadyReplicas(replicas).withAvailableReplicas(replicas)
                .withConditions(condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                        condition("Progressing", "True", "NewReplicaSetAvailable",
                                "ReplicaSet \"" + rs.getMetadata().getName() + "\" has successfully progressed."))
                .build());
        completionListeners.forEach(l -> l.accept(reported));
    }

    private void writeProgressing(Deployment d, long generation, int revision, int replicas, ReplicaSet rs, int old) {
        writeStatus(d, generation, revision, new DeploymentStatusBuilder()
                .withObservedGeneration(generation).withReplicas(old + replicas).withUpdatedReplicas(replicas)
                .withReadyReplicas(old).withAvailableReplicas(old).withUnavailableReplicas(replicas)
                .withConditions(condition("Available", old > 0 ? "True" : "False", old > 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", ""),
                        condition("Progressing", "True", "ReplicaSetUpdated",
                                "ReplicaSet \"" + rs.getMetadata().getName() + "\" is progressing."))
                .build());
    }

    private final Map<String, String> currentTemplate = new ConcurrentHashMap<>();

    /**
     * A revision of an image the runtime has: its pods run (not ready) while its one server starts, or keeps
     * running from before (a rollback finds the previous revision's server still up); then the probe loop decides.
     */
    private void serve(Deployment d, long generation, String hash, String key, int revision, int replicas, ReplicaSet rs, int old) {
        String name = d.getMetadata().getName();
        io.fabric8.kubernetes.api.model.Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        ContainerStatus starting = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withRestartCount(0)
                .withReady(false).withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build();
        setPods(d, rs, replicas, starting, "Running", false);
        writeProgressing(d, generation, revision, replicas, rs, old);
        String serverKey = name + "/" + hash;
        Workload server = running.get(serverKey);
        if (server != null && server.exit().isPresent()) {
            running.remove(serverKey).close();
            server = null;
        }
        if (server == null) {
            try {
                server = workloads.start(new WorkloadRequest(namespace + "-" + name + "-" + hash, c.getImage(),
                        ContainerEnv.resolve(client, namespace, c), freePort()));
                running.put(serverKey, server);
            } catch (Exception e) {
                ContainerStatus failed = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withRestartCount(0)
                        .withReady(false).withNewState().withNewWaiting().withReason("CreateContainerError")
                        .withMessage(workloads.name() + " runtime: " + e.getMessage()).endWaiting().endState().build();
                setPods(d, rs, replicas, failed, "Pending", false);
                return;
            }
        }
        int deadlineSeconds = d.getSpec().getProgressDeadlineSeconds() == null ? DEFAULT_PROGRESS_DEADLINE_SECONDS
                : d.getSpec().getProgressDeadlineSeconds();
        Probe probe = new Probe(name, key, hash, serverKey, readinessPath(c), generation, revision, replicas, rs,
                System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds));
        worker.execute(() -> probe(probe));
    }

    /** One revision's wait for readiness, re-checked every {@link #PROBE_INTERVAL} on the worker thread. */
    private record Probe(String name, String key, String hash, String serverKey, String path, long generation,
                         int revision, int replicas, ReplicaSet rs, long deadlineNanos) {
    }

    private void probe(Probe p) {
        Workload server = running.get(p.serverKey());
        if (closed || server == null || !p.key().equals(currentTemplate.get(p.name()))) {
            return; // stopped, or a newer template took over
        }
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(p.name()).get();
        if (d == null) {
            return;
        }
        io.fabric8.kubernetes.api.model.Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        java.util.Optional<Workload.Exit> exit = server.exit();
        if (exit.isPresent()) {
            running.remove(p.serverKey()).close();
            String message = exit.get().lastLines().isBlank() ? "(it wrote nothing; see " + server.logLocation() + ")" : exit.get().lastLines();
            ContainerStatus crashed = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withRestartCount(0)
                    .withReady(false)
                    .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                    .withMessage("back-off restarting failed container=" + c.getName() + " (its server exited " + exit.get().code() + ")")
                    .endWaiting().endState()
                    .withNewLastState().withNewTerminated().withExitCode(exit.get().code()).withReason("Error")
                    .withMessage(message).endTerminated().endLastState().build();
            setPods(d, p.rs(), p.replicas(), crashed, "Running", false);
            event(p.rs().getMetadata().getName() + "-0", "BackOff", "Back-off restarting failed container " + c.getName()
                    + " in pod " + p.rs().getMetadata().getName() + "-0 (exit code " + exit.get().code() + ")", 1);
            return;
        }
        if (ready(server.port(), p.path())) {
            ContainerStatus up = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withRestartCount(0)
                    .withReady(true).withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build();
            setPods(d, p.rs(), p.replicas(), up, "Running", true);
            stopServers(p.name(), p.serverKey());
            String url = "http://127.0.0.1:" + server.port();
            publisher.publish(p.name(), d.getSpec().getTemplate().getMetadata().getLabels(), url);
            completeRollout(d, p.generation(), p.hash(), p.revision(), p.replicas(), p.rs(), pods(d, p.hash(), false));
            System.err.println("[sandbox] " + namespace + "/" + p.name() + " revision " + p.revision() + " serves on " + url);
            return;
        }
        if (System.nanoTime() > p.deadlineNanos()) {
            deadlineExceeded(p.name(), p.key(), p.rs().getMetadata().getName());
            return;
        }
        worker.schedule(() -> probe(p), PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static String readinessPath(io.fabric8.kubernetes.api.model.Container c) {
        var probe = c.getReadinessProbe();
        return probe != null && probe.getHttpGet() != null && probe.getHttpGet().getPath() != null
                ? probe.getHttpGet().getPath() : null;
    }

    /** The kubelet's readiness check: an HTTP GET answering 200, or (no HTTP probe) a port that accepts. */
    private static boolean ready(int port, String path) {
        if (path == null) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 500);
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }
        try {
            java.net.HttpURLConnection http = (java.net.HttpURLConnection) java.net.URI.create("http://127.0.0.1:" + port + path)
                    .toURL().openConnection();
            http.setConnectTimeout(500);
            http.setReadTimeout(2000);
            http.setRequestProperty("Connection", "close"); // no idle connection left to hold up a graceful stop
            try {
                int status = http.getResponseCode();
                try (var body = status < 400 ? http.getInputStream() : http.getErrorStream()) {
                    if (body != null) {
                        body.readAllBytes();
                    }
                }
                return status == 200;
            } finally {
                http.disconnect();
            }
        } catch (java.io.IOException e) {
            return false; // not listening yet
        }
    }

    private void setPods(Deployment d, ReplicaSet rs, int replicas, ContainerStatus status, String phase, boolean ready) {
        for (int i = 0; i < replicas; i++) {
            writePodStatus(ensurePod(d, rs, i), status, phase, ready);
        }
    }

    /** Stops the servers of a Deployment's revisions, all but {@code keep} (null: all). */
    private void stopServers(String deployment, String keep) {
        for (String k : List.copyOf(running.keySet())) {
            if (k.startsWith(deployment + "/") && !k.equals(keep)) {
                Workload w = running.remove(k);
                if (w != null) {
                    w.close();
                }
            }
        }
    }

    private void forget(String deployment) {
        stopServers(deployment, null);
        publisher.forget(deployment);
        currentTemplate.remove(deployment);
        handledGeneration.remove(deployment);
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void deadlineExceeded(String name, String key, String rsName) {
        if (!key.equals(currentTemplate.get(name))) {
            return; // a newer template took over
        }
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (d == null || d.getStatus() == null) {
            return;
        }
        List<DeploymentCondition> conditions = new ArrayList<>(
                d.getStatus().getConditions().stream().filter(c -> !"Progressing".equals(c.getType())).toList());
        DeploymentStatus st = new DeploymentStatusBuilder(d.getStatus()).withConditions(conditions).build();
        st.getConditions().add(condition("Progressing", "False", "ProgressDeadlineExceeded",
                "ReplicaSet \"" + rsName + "\" has timed out progressing."));
        d.setStatus(st);
        client.apps().deployments().inNamespace(namespace).resource(d).updateStatus();
    }

    /** Returns the instant just before the status was sent: the API reports it no earlier than that. */
    private Instant writeStatus(Deployment d, long generation, int revision, DeploymentStatus status) {
        Deployment latest = client.apps().deployments().inNamespace(namespace).withName(d.getMetadata().getName()).get();
        Map<String, String> annotations = new LinkedHashMap<>(latest.getMetadata().getAnnotations() == null ? Map.of() : latest.getMetadata().getAnnotations());
        if (!String.valueOf(revision).equals(annotations.get("deployment.kubernetes.io/revision"))) {
            annotations.put("deployment.kubernetes.io/revision", String.valueOf(revision));
            latest.getMetadata().setAnnotations(annotations);
            latest = client.apps().deployments().inNamespace(namespace).resource(latest).update();
        }
        latest.setStatus(status);
        Instant sent = Instant.now();
        client.apps().deployments().inNamespace(namespace).resource(latest).updateStatus();
        return sent;
    }

    private int nextRevision(Deployment d, String hash) {
        int max = 0;
        for (ReplicaSet rs : client.apps().replicaSets().inNamespace(namespace).withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems()) {
            int r = Integer.parseInt(rs.getMetadata().getAnnotations().getOrDefault("deployment.kubernetes.io/revision", "0"));
            if (hash.equals(rs.getMetadata().getLabels().get("pod-template-hash"))) {
                return r;
            }
            max = Math.max(max, r);
        }
        return max + 1;
    }

    private ReplicaSet replicaSet(Deployment d, String hash, int replicas, int revision) {
        String name = d.getMetadata().getName() + "-" + hash;
        Map<String, String> labels = new LinkedHashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
        labels.put("pod-template-hash", hash);
        ReplicaSet rs = new ReplicaSetBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .addToAnnotations("deployment.kubernetes.io/revision", String.valueOf(revision))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("Deployment")
                        .withName(d.getMetadata().getName()).withUid(d.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .withNewSpec().withReplicas(replicas).withNewSelector().withMatchLabels(labels).endSelector()
                .withTemplate(d.getSpec().getTemplate()).endSpec()
                .build();
        ReplicaSet existing = client.apps().replicaSets().inNamespace(namespace).withName(name).get();
        if (existing != null) {
            existing.getSpec().setReplicas(replicas);
            return client.apps().replicaSets().inNamespace(namespace).resource(existing).update();
        }
        return client.apps().replicaSets().inNamespace(namespace).resource(rs).create();
    }

    private void scaleDownOthers(Deployment d, String hash) {
        for (ReplicaSet rs : client.apps().replicaSets().inNamespace(namespace).withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems()) {
            if (!hash.equals(rs.getMetadata().getLabels().get("pod-template-hash")) && rs.getSpec().getReplicas() != 0) {
                rs.getSpec().setReplicas(0);
                client.apps().replicaSets().inNamespace(namespace).resource(rs).update();
            }
        }
    }

    private List<Pod> pods(Deployment d, String hash, boolean ofThisTemplate) {
        return client.pods().inNamespace(namespace).withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
                .filter(p -> hash.equals(p.getMetadata().getLabels().get("pod-template-hash")) == ofThisTemplate).toList();
    }

    private Pod ensurePod(Deployment d, ReplicaSet rs, int index) {
        String podName = rs.getMetadata().getName() + "-" + index;
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(podName).withNamespace(namespace)
                .withLabels(rs.getSpec().getSelector().getMatchLabels())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                        .withName(rs.getMetadata().getName()).withUid(rs.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .withSpec(d.getSpec().getTemplate().getSpec())
                .build();
        Pod existing = client.pods().inNamespace(namespace).withName(podName).get();
        return existing != null ? existing : client.pods().inNamespace(namespace).resource(pod).create();
    }

    private void writePodStatus(Pod pod, ContainerStatus status, String phase, boolean ready) {
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(phase)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .withContainerStatuses(status).build());
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    private void createPod(Deployment d, ReplicaSet rs, String hash, int index, Behaviour behaviour) {
        String podName = rs.getMetadata().getName() + "-" + index;
        String container = d.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
        String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        Pod created = ensurePod(d, rs, index);
        ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(container).withImage(image).withRestartCount(0);
        String phase = "Running";
        boolean ready = false;
        switch (behaviour) {
            case SUCCEED -> {
                cs.withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().withReady(true);
                ready = true;
            }
            case HANG -> {
                phase = "Pending";
                cs.withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState().withReady(false);
            }
            case CRASH_LOOP -> {
                cs.withRestartCount(3).withReady(false)
                        .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                        .withMessage("back-off 40s restarting failed container=" + container + " pod=" + podName).endWaiting().endState()
                        .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").withMessage(crashMessage).endTerminated().endLastState();
                event(podName, "BackOff", "Back-off restarting failed container " + container + " in pod " + podName, 3);
            }
            case IMAGE_PULL_FAILURE -> {
                phase = "Pending";
                cs.withReady(false).withNewState().withNewWaiting().withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image \"" + image + "\"").endWaiting().endState();
                event(podName, "Failed", "Failed to pull image \"" + image + "\": rpc error: code = NotFound desc = failed to pull and unpack image: not found", 2);
            }
            case NOT_READY -> {
                cs.withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().withReady(false);
                event(podName, "Unhealthy", "Readiness probe failed: HTTP probe failed with statuscode: 503", 5);
            }
        }
        writePodStatus(created, cs.build(), phase, ready);
    }

    private void event(String podName, String reason, String message, int count) {
        String name = podName + "." + reason.toLowerCase(java.util.Locale.ROOT);
        if (client.v1().events().inNamespace(namespace).withName(name).get() != null) {
            return; // the kubelet would bump its count; the first report is all a deploy needs
        }
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(podName).withNamespace(namespace).endInvolvedObject()
                .withType("Warning").withReason(reason).withMessage(message).withCount(count)
                .withLastTimestamp(Instant.now().toString())
                .build()).create();
    }

    private void admitIngress(String name) {
        Ingress ing = client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
        if (!ingressController || ing == null || ing.getStatus() != null && ing.getStatus().getLoadBalancer() != null
                && ing.getStatus().getLoadBalancer().getIngress() != null && !ing.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            return;
        }
        ing.setStatus(new io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder()
                .withNewLoadBalancer().addNewIngress().withIp(ingressAddress).endIngress().endLoadBalancer().build());
        client.network().v1().ingresses().inNamespace(namespace).resource(ing).updateStatus();
    }

    @SuppressWarnings("unchecked")
    private void issue(String name) {
        GenericKubernetesResource cert = client.genericKubernetesResources(CERTIFICATES).inNamespace(namespace).withName(name).get();
        if (cert == null) {
            return;
        }
        Object status = cert.getAdditionalProperties().get("status");
        String want = certificatesReady ? "True" : "False";
        if (status instanceof Map<?, ?> s && s.get("conditions") instanceof List<?> conds && !conds.isEmpty()
                && want.equals(((Map<String, Object>) conds.get(0)).get("status"))) {
            return;
        }
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", "Ready");
        condition.put("status", want);
        condition.put("reason", certificatesReady ? "Ready" : "DoesNotExist");
        condition.put("message", certificatesReady ? "Certificate is up to date and has not expired" : certificateFailure);
        condition.put("lastTransitionTime", Instant.now().toString());
        cert.setAdditionalProperty("status", Map.of("conditions", List.of(condition)));
        client.genericKubernetesResources(CERTIFICATES).inNamespace(namespace).resource(cert).updateStatus();
    }

    private static DeploymentCondition condition(String type, String status, String reason, String message) {
        String now = Instant.now().toString();
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastUpdateTime(now).withLastTransitionTime(now).build();
    }

    /** Like the controller's pod-template-hash: the same template always gets the same ReplicaSet. */
    private String templateHash(Deployment d) {
        try {
            byte[] json = client.getKubernetesSerialization().asJson(d.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops watching and stops every server it started. */
    @Override
    public void close() {
        closed = true;
        informers.forEach(SharedIndexInformer::close);
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.values().parallelStream().forEach(Workload::close);
        running.clear();
    }

    public static final class Builder {
        private final KubernetesClient client;
        private final String namespace;
        private Function<String, Behaviour> behaviourOfImage = image -> Behaviour.SUCCEED;
        private Duration progressDeadline = Duration.ofSeconds(2);
        private WorkloadRuntime workloads;
        private String ingressAddress = "10.128.0.42";
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

        public Builder crashMessage(String message) {
            this.crashMessage = message;
            return this;
        }

        public RolloutSimulator build() {
            return new RolloutSimulator(this);
        }
    }
}
