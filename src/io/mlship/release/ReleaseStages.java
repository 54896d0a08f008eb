package io.mlship.release;

import io.mlship.image.BuildInput;
import io.mlship.image.BuildOutcome;
import io.mlship.kube.deploy.CandidateRemoval;
import io.mlship.kube.deploy.CanaryStep;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.model.PromotionInput;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import java.util.function.Consumer;

/**
 * The capability stages a release composes, each with its typed input and outcome. {@link CapabilityStages} runs
 * the real ones over whatever adapters the run was given; a test can script them.
 */
public interface ReleaseStages {

    BuildOutcome build(BuildInput in) throws Exception;

    DeployOutcome deploy(DeployInput in) throws Exception;

    ServiceRollback rollBackService(DeployInput in) throws Exception;

    /** One step of the service canary: the candidate (the input's image) beside stable with {@code percent} of the host. */
    CanaryStep canaryStep(DeployInput in, int percent) throws Exception;

    /** The candidate's share back to stable and its objects removed, whatever step a run reached. */
    CandidateRemoval removeCandidate(DeployInput in) throws Exception;

    /** Any promotion step; {@code checkpoint} hears of each record saved while an operation runs. */
    PromotionOutcome promote(PromotionInput in, Consumer<PromotionRecord> checkpoint) throws Exception;

    GateOutcome gate(GateInput in) throws Exception;
}
