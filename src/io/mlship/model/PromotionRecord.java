package io.mlship.model;

import java.util.List;
import java.util.Map;

/**
 * What a promotion did, kept in {@code promote.json}: the next run reads it to shift, roll back or resume.
 * {@code before} is the state before the release began (a shift keeps the canary's), so a rollback returns to it.
 */
public record PromotionRecord(
        String action,
        String model,
        String modelVersionId,
        String artifacts,
        String artifactDigest,
        boolean reused,
        String endpoint,
        String deployedModelId,
        Map<String, Integer> trafficSplit,
        Map<String, List<String>> aliases,
        EndpointSnapshot before,
        List<String> undeployed,
        PendingOperation pendingOperation) {

    public PromotionRecord withPending(PendingOperation op) {
        return new PromotionRecord(action, model, modelVersionId, artifacts, artifactDigest, reused, endpoint,
                deployedModelId, trafficSplit, aliases, before, undeployed, op);
    }
}
