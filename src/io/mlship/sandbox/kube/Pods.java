package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The pods of a ReplicaSet and what the kubelet reports of them: their status and Warning events. Pod
 * {@code i} of ReplicaSet {@code rs} is named {@code rs-i}, so writing again finds the same pod.
 */
final class Pods {
    private final KubernetesClient client;
    private final String namespace;

    Pods(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    static String name(ReplicaSet rs, int index) {
        return rs.getMetadata().getName() + "-" + index;
    }

    /** The Deployment's pods of other templates than {@code hash}: the ones a completed rollout replaces. */
    List<Pod> ofOtherTemplates(Deployment d, String hash) {
        return client.pods().inNamespace(namespace).withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
                .filter(p -> !hash.equals(p.getMetadata().getLabels().get("pod-template-hash"))).toList();
    }

    /** Pod {@code index} of the ReplicaSet, created from the Deployment's template when it does not exist yet. */
    Pod ensure(Deployment d, ReplicaSet rs, int index) {
        String podName = name(rs, index);
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

    void writeStatus(Pod pod, ContainerStatus status, String phase, boolean ready) {
        pod.setStatus(new PodStatusBuilder().withPhase(phase)
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .withContainerStatuses(status).build());
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    /** Every pod of the rollout (created if missing) reports the same container status. */
    void writeAll(Rollout r, ContainerStatus status, String phase, boolean ready) {
        for (int i = 0; i < r.replicas(); i++) {
            writeStatus(ensure(r.deployment(), r.replicaSet(), i), status, phase, ready);
        }
    }

    void delete(Pod pod) {
        client.pods().inNamespace(namespace).resource(pod).withGracePeriod(0).delete();
    }

    /** One more occurrence of a Warning about a pod: the kubelet counts a repeated event on one object. */
    void warnAgain(String podName, String reason, String message) {
        String name = podName + "." + reason.toLowerCase(Locale.ROOT);
        var existing = client.v1().events().inNamespace(namespace).withName(name).get();
        if (existing == null) {
            warn(podName, reason, message, 1);
            return;
        }
        existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
        existing.setLastTimestamp(Instant.now().toString());
        client.v1().events().inNamespace(namespace).resource(existing).update();
    }

    /** A Warning event about a pod, once: the kubelet would bump its count; the first report is all a deploy needs. */
    void warn(String podName, String reason, String message, int count) {
        String name = podName + "." + reason.toLowerCase(Locale.ROOT);
        if (client.v1().events().inNamespace(namespace).withName(name).get() != null) {
            return;
        }
        client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewInvolvedObject().withKind("Pod").withName(podName).withNamespace(namespace).endInvolvedObject()
                .withType("Warning").withReason(reason).withMessage(message).withCount(count)
                .withLastTimestamp(Instant.now().toString())
                .build()).create();
    }
}
