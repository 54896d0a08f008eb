package io.mlship.model;

import io.mlship.spec.TrafficShare;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Traffic for a model being deployed next to others, as the Vertex AI SDK allocates it: the new model gets
 * {@code percent} (all of it when the endpoint serves nothing yet), the others keep their proportions of the
 * rest, rounded down, with the remainder handed out one point at a time; the total is always 100. Key
 * {@code "0"} stands for the model being deployed, as DeployModel's {@code traffic_split} expects.
 */
public final class TrafficSplits {
    public static final String DEPLOYING = "0";

    private TrafficSplits() {
    }

    public static Map<String, Integer> forDeploy(Map<String, Integer> current, TrafficShare canary) {
        int percent = canary.percent();
        Map<String, Integer> existing = new TreeMap<>();
        current.forEach((k, v) -> {
            if (v > 0) {
                existing.put(k, v);
            }
        });
        int share = existing.isEmpty() ? 100 : percent;
        Map<String, Integer> out = new LinkedHashMap<>();
        int rest = 100 - share;
        int unallocated = rest;
        for (Map.Entry<String, Integer> e : existing.entrySet()) {
            int scaled = e.getValue() * rest / 100;
            out.put(e.getKey(), scaled);
            unallocated -= scaled;
        }
        for (String k : existing.keySet()) {
            if (unallocated == 0) {
                break;
            }
            out.merge(k, 1, Integer::sum);
            unallocated--;
        }
        out.put(DEPLOYING, share);
        return out;
    }
}
