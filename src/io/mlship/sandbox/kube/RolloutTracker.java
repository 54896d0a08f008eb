package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the Deployment controller has acted on, per Deployment: the generation it last handled and the template
 * ({@link Rollout#key()}) rolling out now. Late work for an older template checks here and gives up.
 */
final class RolloutTracker {
    private final Map<String, Long> handledGeneration = new ConcurrentHashMap<>();
    private final Map<String, String> currentTemplate = new ConcurrentHashMap<>();

    /**
     * Records that {@code generation} with this template is being handled now; false (recording nothing) when
     * the Deployment's change is the controller's own status write, or nothing new.
     */
    boolean handle(String name, long generation, String key, DeploymentStatus status) {
        Long seen = handledGeneration.get(name);
        boolean statusCurrent = status != null && status.getObservedGeneration() != null && status.getObservedGeneration() >= generation
                && key.equals(currentTemplate.get(name));
        if (statusCurrent && seen != null && seen >= generation) {
            return false;
        }
        handledGeneration.put(name, generation);
        currentTemplate.put(name, key);
        return true;
    }

    boolean isCurrent(String name, String key) {
        return key.equals(currentTemplate.get(name));
    }

    void forget(String name) {
        currentTemplate.remove(name);
        handledGeneration.remove(name);
    }
}
