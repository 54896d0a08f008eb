package io.mlship.model;

import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import io.mlship.spec.TrafficShare;
import java.util.Map;

/**
 * Everything a promotion needs, resolved from the spec, the environment and the build's parameters and
 * checked before the first remote call.
 */
public record PromotionPlan(
        String project,
        String region,
        String modelId,
        String displayName,
        String description,
        GcsUri artifacts,
        GcsUri copyTo,
        ModelContainerSpec container,
        String machineType,
        int minReplicas,
        int maxReplicas,
        String endpointDisplayName,
        TrafficShare canary,
        String candidateAlias,
        String prodAlias,
        Map<String, String> labels,
        String buildUrl) {

    /** The same plan with {@code all} as the labels a new version gets. */
    public PromotionPlan withLabels(Map<String, String> all) {
        return new PromotionPlan(project, region, modelId, displayName, description, artifacts, copyTo, container,
                machineType, minReplicas, maxReplicas, endpointDisplayName, canary, candidateAlias, prodAlias, Map.copyOf(all),
                buildUrl);
    }

    public String location() {
        return "projects/" + project + "/locations/" + region;
    }

    public String modelName() {
        return location() + "/models/" + modelId;
    }
}
