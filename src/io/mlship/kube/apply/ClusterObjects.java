package io.mlship.kube.apply;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Reads and writes the kinds in {@link KindTable} as generic objects, so every kind is handled one way. */
final class ClusterObjects {
    private final KubernetesClient client;
    private final KubernetesSerialization serialization;

    ClusterObjects(KubernetesClient client) {
        this.client = client;
        this.serialization = client.getKubernetesSerialization();
    }

    Resource<GenericKubernetesResource> resource(ObjectKey key) {
        return client.genericKubernetesResources(context(key)).inNamespace(key.namespace()).withName(key.name());
    }

    /** The operations on one object to be written. */
    Resource<GenericKubernetesResource> item(ObjectKey key, GenericKubernetesResource object) {
        return client.genericKubernetesResources(context(key)).inNamespace(key.namespace()).resource(object);
    }

    static ResourceDefinitionContext context(ObjectKey key) {
        return KindTable.of(key.apiVersion(), key.kind()).orElseThrow(() -> new IllegalArgumentException(
                "mlship does not manage " + key.apiVersion() + " " + key.kind()));
    }

    GenericKubernetesResource generic(HasMetadata typed) {
        return typed instanceof GenericKubernetesResource g ? g : serialization.convertValue(typed, GenericKubernetesResource.class);
    }

    JsonNode tree(Object o) {
        return serialization.convertValue(o, JsonNode.class);
    }

    KubernetesClient client() {
        return client;
    }
}
