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
 */
public final class RolloutSimulator implements AutoCloseable {
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

    private RolloutSimulator(Builder b) {
        this.client = b.client;
        this.namespace = b.namespace;
        this.behaviourOfImage = b.behaviourOfImage;
        this.progressDeadline = b.progressDeadline;
        this.crashMessage = b.crashMessage;
    }

    public static Builder builder(KubernetesClient client, String namespace) {
        return new Builder(client, namespace);
    }

    public RolloutSimulator start() {
        informers.add(client.apps().deployments().inNamespace(namespace).inform(handler(d -> worker.execute(() -> reconcile(d.getMetadata().getName())))));
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
        return overrides.entrySet().stream().filter(e -> image.contains(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElseGet(() -> behaviourOfImage.apply(image));
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
        Behaviour behaviour = behaviourOf(image);
        int revision = nextRevision(d, hash);
        ReplicaSet rs = replicaSet(d, hash, replicas, revision);
        List<Pod> oldPods = pods(d, hash, false);
        for (int i = 0; i < replicas; i++) {
            createPod(d, rs, hash, i, behaviour);
        }
        if (behaviour == Behaviour.SUCCEED) {
            // New pods ready: the old ReplicaSet scales down and its pods go.
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
            return;
        }
        int old = oldPods.size();
        writeStatus(d, generation, revision, new DeploymentStatusBuilder()
                .withObservedGeneration(generation).withReplicas(old + replicas).withUpdatedReplicas(replicas)
                .withReadyReplicas(old).withAvailableReplicas(old).withUnavailableReplicas(replicas)
                .withConditions(condition("Available", old > 0 ? "True" : "False", old > 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", ""),
                        condition("Progressing", "True", "ReplicaSetUpdated",
                                "ReplicaSet \"" + rs.getMetadata().getName() + "\" is progressing."))
                .build());
        if (behaviour == Behaviour.HANG) {
            worker.schedule(() -> deadlineExceeded(name, key, rs.getMetadata().getName()), progressDeadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private final Map<String, String> currentTemplate = new ConcurrentHashMap<>();

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

    private void createPod(Deployment d, ReplicaSet rs, String hash, int index, Behaviour behaviour) {
        String podName = rs.getMetadata().getName() + "-" + index;
        String container = d.getSpec().getTemplate().getSpec().getContainers().get(0).getName();
        String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(podName).withNamespace(namespace)
                .withLabels(rs.getSpec().getSelector().getMatchLabels())
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("apps/v1").withKind("ReplicaSet")
                        .withName(rs.getMetadata().getName()).withUid(rs.getMetadata().getUid()).withController(true).build())
                .endMetadata()
                .withSpec(d.getSpec().getTemplate().getSpec())
                .build();
        Pod existing = client.pods().inNamespace(namespace).withName(podName).get();
        Pod created = existing != null ? existing : client.pods().inNamespace(namespace).resource(pod).create();
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
        ContainerStatus status = cs.build();
        created.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().withPhase(phase)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .withContainerStatuses(status).build());
        client.pods().inNamespace(namespace).resource(created).updateStatus();
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
                .withNewLoadBalancer().addNewIngress().withIp("10.128.0.42").endIngress().endLoadBalancer().build());
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

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        worker.shutdownNow();
    }

    public static final class Builder {
        private final KubernetesClient client;
        private final String namespace;
        private Function<String, Behaviour> behaviourOfImage = image -> Behaviour.SUCCEED;
        private Duration progressDeadline = Duration.ofSeconds(2);
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

        public Builder crashMessage(String message) {
            this.crashMessage = message;
            return this;
        }

        public RolloutSimulator build() {
            return new RolloutSimulator(this);
        }
    }
}
