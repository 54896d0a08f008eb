package io.mlship.kube.deploy;

import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One step of a service canary: the candidate's deploy (its objects, rollout and address) at {@code percent} of the
 * host's traffic, and where stable answers, the gate's baseline. A candidate whose rollout failed is already removed.
 * Without a stable Deployment ({@code stableRuns} false) nothing was written: there is nothing to compare with or
 * fall back to, so a first release rolls out in place.
 */
public record CanaryStep(int percent, String candidate, boolean stableRuns, DeployOutcome deploy, String stableUrl)
        implements StageOutcome {

    /** Where the candidate answers: its own Service's address where the cluster publishes one, else the host's. */
    public String candidateUrl() {
        return deploy.serviceUrl();
    }

    @Override
    public MlshipException failure() {
        return deploy.failure();
    }

    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> r = new LinkedHashMap<>(deploy.resultFields());
        r.put("action", "canary");
        r.put("candidate", candidate);
        r.put("canaryPercent", percent);
        r.put("stableRuns", stableRuns);
        r.put("stableUrl", stableUrl);
        return r;
    }
}
