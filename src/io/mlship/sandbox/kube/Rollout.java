package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;

/**
 * One Deployment template being rolled out, as the Deployment controller settled it in one reconcile.
 *
 * @param deployment the Deployment as last read
 * @param generation the generation this rollout answers
 * @param hash       the template's pod-template-hash
 * @param revision   its {@code deployment.kubernetes.io/revision}
 * @param replicas   how many pods it wants
 * @param replicaSet the template's ReplicaSet
 */
record Rollout(Deployment deployment, long generation, String hash, int revision, int replicas, ReplicaSet replicaSet) {
    String name() {
        return deployment.getMetadata().getName();
    }

    /** "deployment/pod-template-hash": names the template, and the server of its revision. */
    String key() {
        return name() + "/" + hash;
    }

    String replicaSetName() {
        return replicaSet.getMetadata().getName();
    }

    /** The pod's one container (the sandbox runs single-container pods). */
    Container container() {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    /** The same rollout seen through a newer read of its Deployment. */
    Rollout reread(Deployment latest) {
        return new Rollout(latest, generation, hash, revision, replicas, replicaSet);
    }
}
