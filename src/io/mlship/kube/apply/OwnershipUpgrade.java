package io.mlship.kube.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.mlship.kube.connect.FieldManager;
import io.mlship.progress.Progress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/**
 * Moves the fields mlship owns through earlier plain updates (managedFields entries {@code mlship}/Update, from
 * before mlship used server-side apply) into its Apply entry, once per object. Without that, those old entries
 * would keep every field mlship ever set, so fields it stops rendering would never be removed, and its own
 * apply would conflict with them. The same move kubectl makes for {@code kubectl-client-side-apply}
 * (csaupgrade): one JSON patch of {@code metadata.managedFields}, guarded by the resourceVersion it was read at.
 */
final class OwnershipUpgrade {
    private static final String APPLY = "Apply";
    private static final String UPDATE = "Update";
    /** Another writer between the read and the patch fails the guard; a fresh read settles it. */
    private static final int ATTEMPTS = 3;

    private final ClusterObjects cluster;
    private final Progress progress;

    OwnershipUpgrade(ClusterObjects cluster, Progress progress) {
        this.cluster = cluster;
        this.progress = progress;
    }

    /** Whether {@code live} still has fields mlship owns through earlier updates: the move is still to come. */
    static boolean pending(JsonNode live) {
        return OwnedFields.of(live, FieldManager.NAME, UPDATE) != null;
    }

    /** Upgrades the live object's mlship Update entries, if it has any; {@code rendered} is what mlship applies next. */
    void takeOverUpdates(ObjectKey key, GenericKubernetesResource rendered) {
        for (int attempt = 1; ; attempt++) {
            GenericKubernetesResource live = cluster.resource(key).get();
            if (live == null) {
                return;
            }
            JsonNode tree = cluster.tree(live);
            ObjectNode updates = OwnedFields.of(tree, FieldManager.NAME, UPDATE);
            if (updates == null) {
                return;
            }
            if (!setsReplicas(rendered) && updates.get("f:spec") instanceof ObjectNode spec) {
                spec.remove("f:replicas"); // left to the autoscaler: not mlship's to remove
            }
            try {
                cluster.resource(key).patch(PatchContext.of(PatchType.JSON), patch(tree, updates).toString());
                progress.step(key + ": mlship's fields from its earlier updates now belong to its server-side apply");
                return;
            } catch (KubernetesClientException e) {
                boolean raced = e.getCode() == 409 || e.getCode() == 422 || e.getCode() == 400;
                if (!raced || attempt >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * What mlship had applied to {@code object}: the fields its entries own, with the object's identity. An object
     * without managedFields for mlship (an API server that keeps none) gives the whole object.
     */
    GenericKubernetesResource appliedBy(GenericKubernetesResource object) {
        JsonNode tree = cluster.tree(object);
        ObjectNode owned = OwnedFields.of(tree, FieldManager.NAME, APPLY, UPDATE);
        if (owned == null) {
            return Applier.clean(object);
        }
        ObjectNode config = (ObjectNode) OwnedFields.extract(tree, owned);
        config.put("apiVersion", object.getApiVersion()).put("kind", object.getKind());
        ObjectNode meta = config.get("metadata") instanceof ObjectNode m ? m : config.putObject("metadata");
        meta.put("name", object.getMetadata().getName()).put("namespace", object.getMetadata().getNamespace());
        return cluster.client().getKubernetesSerialization().convertValue(config, GenericKubernetesResource.class);
    }

    /** The JSON patch: mlship's Update entries folded into its Apply entry, guarded by the resourceVersion. */
    private static ArrayNode patch(JsonNode live, ObjectNode updates) {
        ArrayNode entries = JsonNodeFactory.instance.arrayNode();
        ObjectNode apply = null;
        for (JsonNode e : live.path("metadata").path("managedFields")) {
            boolean mine = FieldManager.NAME.equals(e.path("manager").asText()) && !e.hasNonNull("subresource");
            if (mine && UPDATE.equals(e.path("operation").asText())) {
                continue;
            }
            ObjectNode copy = e.deepCopy();
            if (mine && APPLY.equals(e.path("operation").asText())) {
                apply = copy;
            }
            entries.add(copy);
        }
        if (apply == null) {
            apply = entries.addObject().put("manager", FieldManager.NAME).put("operation", APPLY)
                    .put("apiVersion", live.path("apiVersion").asText())
                    .put("time", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).put("fieldsType", "FieldsV1");
            apply.putObject("fieldsV1");
        }
        OwnedFields.merge((ObjectNode) apply.get("fieldsV1"), updates);
        ArrayNode patch = JsonNodeFactory.instance.arrayNode();
        patch.addObject().put("op", "test").put("path", "/metadata/resourceVersion")
                .put("value", live.path("metadata").path("resourceVersion").asText());
        patch.addObject().put("op", "replace").put("path", "/metadata/managedFields").set("value", entries);
        return patch;
    }

    private static boolean setsReplicas(GenericKubernetesResource rendered) {
        return rendered.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec && spec.get("replicas") != null;
    }
}
