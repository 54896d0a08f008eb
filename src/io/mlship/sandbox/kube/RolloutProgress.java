package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the Deployment controller writes as a rollout goes: the Deployment's status, conditions and revision;
 * and, once the new pods are ready, the retirement of the old ones.
 */
final class RolloutProgress {
    private final KubernetesClient client;
    private final String namespace;
    private final Pods pods;
    private final ReplicaSets replicaSets;
    private final List<Consumer<Instant>> completionListeners = new CopyOnWriteArrayList<>();

    RolloutProgress(KubernetesClient client, String namespace, Pods pods, ReplicaSets replicaSets) {
        this.client = client;
        this.namespace = namespace;
        this.pods = pods;
        this.replicaSets = replicaSets;
    }

    /** Called with the instant a rollout's completion was written to the API. */
    void onComplete(Consumer<Instant> listener) {
        completionListeners.add(listener);
    }

    /** The new pods are not ready yet; the {@code old} ones still serve. */
    void progressing(Rollout r, int old) {
        int replicas = r.replicas();
        writeStatus(r, new DeploymentStatusBuilder()
                .withObservedGeneration(r.generation()).withReplicas(old + replicas).withUpdatedReplicas(replicas)
                .withReadyReplicas(old).withAvailableReplicas(old).withUnavailableReplicas(replicas)
                .withConditions(condition("Available", old > 0 ? "True" : "False", old > 0 ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable", ""),
                        condition("Progressing", "True", "ReplicaSetUpdated",
                                "ReplicaSet \"" + r.replicaSetName() + "\" is progressing."))
                .build());
    }

    /** New pods ready: the old ReplicaSets scale down and their pods go; the Deployment is available. */
    void complete(Rollout r, List<Pod> oldPods) {
        oldPods.forEach(pods::delete);
        replicaSets.scaleDownAllBut(r.deployment(), r.hash());
        int replicas = r.replicas();
        Instant reported = writeStatus(r, new DeploymentStatusBuilder()
                .withObservedGeneration(r.generation()).withReplicas(replicas).withUpdatedReplicas(replicas)
                .withReadyReplicas(replicas).withAvailableReplicas(replicas)
                .withConditions(condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                        condition("Progressing", "True", "NewReplicaSetAvailable",
                                "ReplicaSet \"" + r.replicaSetName() + "\" has successfully progressed."))
                .build());
        completionListeners.forEach(l -> l.accept(reported));
    }

    /** The rollout's pods did not become ready in time: Progressing turns False, the rest of the status stays. */
    void deadlineExceeded(String name, String rsName) {
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
    private Instant writeStatus(Rollout r, DeploymentStatus status) {
        Deployment latest = client.apps().deployments().inNamespace(namespace).withName(r.name()).get();
        Map<String, String> annotations = new LinkedHashMap<>(latest.getMetadata().getAnnotations() == null ? Map.of() : latest.getMetadata().getAnnotations());
        String revision = String.valueOf(r.revision());
        if (!revision.equals(annotations.get(ReplicaSets.REVISION))) {
            annotations.put(ReplicaSets.REVISION, revision);
            latest.getMetadata().setAnnotations(annotations);
            latest = client.apps().deployments().inNamespace(namespace).resource(latest).update();
        }
        latest.setStatus(status);
        Instant sent = Instant.now();
        client.apps().deployments().inNamespace(namespace).resource(latest).updateStatus();
        return sent;
    }

    private static DeploymentCondition condition(String type, String status, String reason, String message) {
        String now = Instant.now().toString();
        return new DeploymentConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastUpdateTime(now).withLastTransitionTime(now).build();
    }
}
