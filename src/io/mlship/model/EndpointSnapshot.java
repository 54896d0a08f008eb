package io.mlship.model;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a rollback restores: the endpoint's traffic split, which model version each deployed model serves,
 * and the aliases of every version of the model.
 */
public record EndpointSnapshot(Map<String, Integer> trafficSplit, Map<String, String> deployedVersions,
                               Map<String, List<String>> aliases) {
    public EndpointSnapshot {
        trafficSplit = trafficSplit == null ? Map.of() : new TreeMap<>(trafficSplit);
        deployedVersions = deployedVersions == null ? Map.of() : new TreeMap<>(deployedVersions);
        aliases = aliases == null ? Map.of() : new TreeMap<>(aliases);
    }
}
