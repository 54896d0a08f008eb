package io.mlship.model;

import io.mlship.spec.CommitSha;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.TrafficShare;
import io.mlship.state.StateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One promotion step in one environment. {@code recordFile} carries what a promotion did to the next step (shift,
 * rollback) and to a re-run (resume); {@code earlierResult} is the result file read when there is no record yet.
 * {@code state} keeps the record off the agent (null: the workspace file only).
 */
public record PromotionInput(EnvironmentView environment, Action action, String artifacts, String modelVersion,
                             TrafficShare canary, ImageDigest imageDigest, CommitSha gitSha, String buildUrl,
                             Path recordFile, Path earlierResult, Duration operationTimeout,
                             StateStore state, String blessingOverride) {

    /** What the step does. */
    public enum Action {
        /** Check the trained model's folder (and its blessing against prod, reading only): nothing changes. */
        CHECK,
        /** Judge the candidate's metrics against the thresholds and prod only: a release's first step. */
        BLESS,
        /** Upload (or reuse) the version and deploy it with the canary share. */
        PROMOTE,
        /** All traffic and the prod alias to the promoted version. */
        SHIFT,
        /** Back to the split and aliases recorded before the promotion. */
        ROLLBACK
    }

    public PromotionInput {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(recordFile, "recordFile");
        operationTimeout = operationTimeout == null ? Duration.ofMinutes(30) : operationTimeout;
    }

    public static PromotionInput of(EnvironmentView environment, Action action, Path recordFile) {
        return new PromotionInput(environment, action, null, null, null, null, null, null, recordFile, null, null, null, null);
    }

    public PromotionInput withAction(Action next) {
        return new PromotionInput(environment, next, artifacts, modelVersion, canary, imageDigest, gitSha, buildUrl,
                recordFile, earlierResult, operationTimeout, state, blessingOverride);
    }

    public PromotionInput withModel(String artifactsFolder, String version, TrafficShare share) {
        return new PromotionInput(environment, action, artifactsFolder, version, share, imageDigest, gitSha, buildUrl,
                recordFile, earlierResult, operationTimeout, state, blessingOverride);
    }

    public PromotionInput withProvenance(ImageDigest digest, CommitSha sha, String url) {
        return new PromotionInput(environment, action, artifacts, modelVersion, canary, digest, sha, url, recordFile,
                earlierResult, operationTimeout, state, blessingOverride);
    }

    public PromotionInput withEarlierResult(Path resultFile) {
        return new PromotionInput(environment, action, artifacts, modelVersion, canary, imageDigest, gitSha, buildUrl,
                recordFile, resultFile, operationTimeout, state, blessingOverride);
    }

    public PromotionInput withOperationTimeout(Duration timeout) {
        return new PromotionInput(environment, action, artifacts, modelVersion, canary, imageDigest, gitSha, buildUrl,
                recordFile, earlierResult, timeout, state, blessingOverride);
    }

    /** Where the environment's release state is kept beside the workspace file. */
    public PromotionInput withState(StateStore store) {
        return new PromotionInput(environment, action, artifacts, modelVersion, canary, imageDigest, gitSha, buildUrl,
                recordFile, earlierResult, operationTimeout, store, blessingOverride);
    }

    /**
     * Go on with a candidate that does not meet {@code model.evaluation.thresholds}, for {@code reason} (kept in the
     * records); null: refuse it.
     */
    public PromotionInput withBlessingOverride(String reason) {
        return new PromotionInput(environment, action, artifacts, modelVersion, canary, imageDigest, gitSha, buildUrl,
                recordFile, earlierResult, operationTimeout, state, reason);
    }
}
