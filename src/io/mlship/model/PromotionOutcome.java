package io.mlship.model;

import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a promotion step did: the record (model version, endpoint, traffic, aliases, the state before), or for a
 * check the artifacts' report. A step that failed after it began keeps the last record it saved, so a release
 * knows what to roll back.
 */
public record PromotionOutcome(String environment, PromotionInput.Action action, PromotionRecord record,
                               ArtifactCheck.Report check, MlshipException failure, Blessing blessing)
        implements StageOutcome {

    /** The outcome of a model without {@code model.evaluation}. */
    public PromotionOutcome(String environment, PromotionInput.Action action, PromotionRecord record,
                            ArtifactCheck.Report check, MlshipException failure) {
        this(environment, action, record, check, failure, null);
    }

    /** Whether this step left the endpoint or the registry changed (a promotion began), so a rollback has work. */
    public boolean beganPromotion() {
        return record != null && "promote".equals(record.action());
    }

    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("environment", environment);
        if (blessing != null) {
            r.put("blessing", blessing);
        }
        if (action == PromotionInput.Action.BLESS) {
            r.put("action", "bless");
            return r;
        }
        if (check != null) {
            r.put("action", "check");
            r.put("artifacts", check.artifacts().toString());
            r.put("files", check.files().size());
            r.put("bytes", check.bytes());
            r.put("artifactDigest", check.digest());
            return r;
        }
        if (failure != null || record == null) {
            if (record != null) {
                r.put("promotion", record);
            }
            return r;
        }
        r.put("action", record.action());
        r.put("model", record.model());
        r.put("modelVersionId", record.modelVersionId());
        r.put("reused", record.reused());
        r.put("endpoint", record.endpoint());
        r.put("deployedModelId", record.deployedModelId());
        r.put("trafficSplit", record.trafficSplit());
        r.put("aliases", record.aliases());
        r.put("artifactDigest", record.artifactDigest());
        r.put("promotion", record);
        return r;
    }
}
