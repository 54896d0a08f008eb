package io.mlship.kube.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.mlship.kube.apply.Change;
import io.mlship.kube.apply.ObjectKey;
import io.mlship.kube.apply.Plan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a deploy changed and exactly what ran before, kept on disk before anything is written, so a later step
 * (the release flow after a failed gate, or a person with {@code mlship deploy --rollback}) can put it back.
 */
public record DeployRecord(
        String namespace,
        String service,
        String deployment,
        String image,
        String previousImage,
        Map<String, String> selector,
        List<Change> changes,
        List<Previous> previous) {

    /** One object as it was before the deploy. */
    public record Previous(ObjectKey key, GenericKubernetesResource object) {
    }

    public DeployRecord {
        selector = Map.copyOf(selector);
        changes = List.copyOf(changes);
        previous = List.copyOf(previous);
    }

    public static DeployRecord of(DeployRequest request, Plan plan, String deployment, String previousImage) {
        List<Previous> before = plan.previous().entrySet().stream().map(e -> new Previous(e.getKey(), e.getValue())).toList();
        return new DeployRecord(request.namespace(), request.service(), deployment, request.image(), previousImage,
                request.selector(), plan.changed(), before);
    }

    /** The plan a restore needs: the changes to undo and the previous objects. */
    public Plan plan() {
        Map<ObjectKey, GenericKubernetesResource> before = new LinkedHashMap<>();
        previous.forEach(p -> before.put(p.key(), p.object()));
        return new Plan(namespace, changes, Map.of(), before);
    }
}
