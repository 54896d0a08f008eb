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
        PendingOperation pendingOperation,
        Blessing blessing) {

    /** A record from before blessing existed, or of a model without {@code model.evaluation}. */
    public PromotionRecord(String action, String model, String modelVersionId, String artifacts, String artifactDigest,
                           boolean reused, String endpoint, String deployedModelId, Map<String, Integer> trafficSplit,
                           Map<String, List<String>> aliases, EndpointSnapshot before, List<String> undeployed,
                           PendingOperation pendingOperation) {
        this(action, model, modelVersionId, artifacts, artifactDigest, reused, endpoint, deployedModelId, trafficSplit,
                aliases, before, undeployed, pendingOperation, null);
    }

    /** A promotion that has just begun: what it promotes and the state it would roll back to, nothing done yet. */
    public static PromotionRecord begun(String model, String artifacts, String artifactDigest, String endpoint,
                                        EndpointSnapshot before) {
        return new PromotionRecord("promote", model, null, artifacts, artifactDigest, false, endpoint, null, null, null,
                before, List.of(), null);
    }

    /** The next step ({@code shift}, {@code rollback}) on the same promotion, before it has changed anything. */
    public PromotionRecord nextStep(String step, String deployedModel) {
        return new PromotionRecord(step, model, modelVersionId, artifacts, artifactDigest, reused, endpoint, deployedModel,
                null, null, before, List.of(), null, blessing);
    }

    /** The candidate's blessing, as judged before the promotion changed anything. */
    public PromotionRecord withBlessing(Blessing judged) {
        return new PromotionRecord(action, model, modelVersionId, artifacts, artifactDigest, reused, endpoint,
                deployedModelId, trafficSplit, aliases, before, undeployed, pendingOperation, judged);
    }

    public PromotionRecord withVersion(String versionId, boolean reusedVersion) {
        return new PromotionRecord(action, model, versionId, artifacts, artifactDigest, reusedVersion, endpoint,
                deployedModelId, trafficSplit, aliases, before, undeployed, pendingOperation, blessing);
    }

    public PromotionRecord withEndpoint(String endpointName) {
        return new PromotionRecord(action, model, modelVersionId, artifacts, artifactDigest, reused, endpointName,
                deployedModelId, trafficSplit, aliases, before, undeployed, pendingOperation, blessing);
    }

    /** The step done: the endpoint as read after it, the model's aliases, and what it undeployed. */
    public PromotionRecord done(String endpointName, String deployedModel, Map<String, Integer> split,
                                Map<String, List<String>> versionAliases, List<String> undeployedModels) {
        return new PromotionRecord(action, model, modelVersionId, artifacts, artifactDigest, reused, endpointName,
                deployedModel, new java.util.TreeMap<>(split), versionAliases, before, List.copyOf(undeployedModels), null, blessing);
    }

    public PromotionRecord withPending(PendingOperation op) {
        return new PromotionRecord(action, model, modelVersionId, artifacts, artifactDigest, reused, endpoint,
                deployedModelId, trafficSplit, aliases, before, undeployed, op, blessing);
    }
}
