package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ReplicaSets a Deployment owns: one per pod template, named and numbered as the Deployment controller does. */
final class ReplicaSets {
    static final String REVISION = "deployment.kubernetes.io/revision";
    private static final String HASH_LABEL = "pod-template-hash";

    private final KubernetesClient client;
    private final String namespace;

    ReplicaSets(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Like the controller's pod-template-hash: the same template always gets the same ReplicaSet. */
    String templateHash(Deployment d) {
        try {
            byte[] json = client.getKubernetesSerialization().asJson(d.getSpec().getTemplate()).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The template's revision: the one its ReplicaSet already has (a rollback), else one past the highest. */
    int revision(Deployment d, String hash) {
        int max = 0;
        for (ReplicaSet rs : owned(d)) {
            int r = Integer.parseInt(rs.getMetadata().getAnnotations().getOrDefault(REVISION, "0"));
            if (hash.equals(rs.getMetadata().getLabels().get(HASH_LABEL))) {
                return r;
            }
            max = Math.max(max, r);
        }
        return max + 1;
    }

    /** Creates the template's ReplicaSet, or scales the existing one to {@code replicas}. */
    ReplicaSet ensure(Deployment d, String hash, int replicas, int revision) {
        String name = d.getMetadata().getName() + "-" + hash;
        Map<String, String> labels = new LinkedHashMap<>(d.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(HASH_LABEL, hash);
        ReplicaSet rs = new ReplicaSetBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels)
                .addToAnnotations(REVISION, String.valueOf(revision))
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

    /** Scales every other template's ReplicaSet to zero. */
    void scaleDownAllBut(Deployment d, String hash) {
        for (ReplicaSet rs : owned(d)) {
            if (!hash.equals(rs.getMetadata().getLabels().get(HASH_LABEL)) && rs.getSpec().getReplicas() != 0) {
                rs.getSpec().setReplicas(0);
                client.apps().replicaSets().inNamespace(namespace).resource(rs).update();
            }
        }
    }

    private List<ReplicaSet> owned(Deployment d) {
        return client.apps().replicaSets().inNamespace(namespace).withLabels(d.getSpec().getSelector().getMatchLabels()).list().getItems();
    }
}
