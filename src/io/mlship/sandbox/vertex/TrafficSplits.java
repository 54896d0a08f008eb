package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.Endpoint;
import java.util.Map;

/** The traffic rules: known deployed models only, each 0-100, together exactly 100. */
final class TrafficSplits {
    private TrafficSplits() {
    }

    /**
     * Checks {@code split} for endpoint {@code e}; {@code newKey}, if not null, is the key that stands for a model
     * being deployed by the same request (it has no id yet).
     */
    static void check(Endpoint e, Map<String, Integer> split, String newKey) {
        if (split.isEmpty()) {
            if (e.getDeployedModelsCount() > 0) {
                throw ApiError.invalid("traffic_split is empty but endpoint " + e.getName() + " has deployed models");
            }
            return;
        }
        int sum = 0;
        for (Map.Entry<String, Integer> s : split.entrySet()) {
            boolean known = s.getKey().equals(newKey)
                    || e.getDeployedModelsList().stream().anyMatch(d -> d.getId().equals(s.getKey()));
            if (!known) {
                throw ApiError.invalid("traffic_split names deployed model '" + s.getKey() + "', which is not on endpoint "
                        + e.getName());
            }
            if (s.getValue() < 0 || s.getValue() > 100) {
                throw ApiError.invalid("traffic_split[" + s.getKey() + "] = " + s.getValue() + " is outside 0-100");
            }
            sum += s.getValue();
        }
        if (sum != 100) {
            throw ApiError.invalid("traffic_split percentages add up to " + sum + ", not 100");
        }
    }
}
