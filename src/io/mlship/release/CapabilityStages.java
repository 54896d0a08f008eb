package io.mlship.release;

import io.mlship.image.BuildInput;
import io.mlship.image.BuildOutcome;
import io.mlship.image.BuildStage;
import io.mlship.kube.deploy.CandidateRemoval;
import io.mlship.kube.deploy.CanaryStep;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.DeployStage;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.model.PromotionInput;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.model.PromotionStage;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import io.mlship.smoke.GateStage;
import java.util.function.Consumer;

/** The real stages, built once with the adapters the run was given, run in this process. */
public record CapabilityStages(BuildStage builds, DeployStage deploys, PromotionStage promotions, GateStage gates)
        implements ReleaseStages {

    /** Only the deploy stage, for the command that runs it on its own (calling another is a bug: it throws). */
    public static CapabilityStages deploying(DeployStage deploys) {
        return new CapabilityStages(null, java.util.Objects.requireNonNull(deploys), null, null);
    }

    /** Only the promotion stage, for the command that runs it on its own. */
    public static CapabilityStages promoting(PromotionStage promotions) {
        return new CapabilityStages(null, null, java.util.Objects.requireNonNull(promotions), null);
    }

    @Override
    public BuildOutcome build(BuildInput in) throws Exception {
        return builds.run(in);
    }

    @Override
    public DeployOutcome deploy(DeployInput in) throws Exception {
        return deploys.run(in);
    }

    @Override
    public ServiceRollback rollBackService(DeployInput in) throws Exception {
        return deploys.rollBack(in);
    }

    @Override
    public CanaryStep canaryStep(DeployInput in, int percent) {
        return deploys.canaryStep(in, percent);
    }

    @Override
    public CandidateRemoval removeCandidate(DeployInput in) {
        return deploys.removeCandidate(in);
    }

    @Override
    public PromotionOutcome promote(PromotionInput in, Consumer<PromotionRecord> checkpoint) throws Exception {
        return promotions.run(in, checkpoint);
    }

    @Override
    public GateOutcome gate(GateInput in) throws Exception {
        return gates.run(in);
    }
}
