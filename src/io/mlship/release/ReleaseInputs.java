package io.mlship.release;

import io.mlship.image.BuildInput;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.model.PromotionInput;
import io.mlship.smoke.GateInput;
import io.mlship.spec.CommitSha;
import io.mlship.spec.ImageDigest;
import io.mlship.state.StateStore;
import io.mlship.spec.DeploySpec;
import io.mlship.spec.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One release, resolved and checked before the first remote call: each part's stage input, or null where the part
 * does not run. What one stage hands the next (the built digest, the service's address, the promoted version) is
 * filled in by the flow as the stages run.
 *
 * @param imageDigest        the image to release when none is built
 * @param servingImageIsService Vertex AI serves the model from the service's image, so promotion needs its digest
 * @param gated              where the image and model passed a gate before (promoteFrom), or null
 * @param approval           who approved what and why, or null without an approval
 */
public record ReleaseInputs(String service, String env, String approvedBy, CommitSha gitSha, String buildUrl,
                            ImageDigest imageDigest, BuildInput build, DeployInput deploy, PromotionInput promote,
                            GateInput serviceGate, GateInput vertexGate, boolean servingImageIsService,
                            ReleaseRecord.Gated gated, Approval approval) {

    public ReleaseInputs {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(env, "env");
        if (deploy == null && serviceGate != null || promote == null && vertexGate != null) {
            throw new IllegalArgumentException("a gate needs the part it gates");
        }
    }

    /** The service canary's steps (percent of the host's traffic, each gated), or none: the service rolls out in place. */
    public List<Integer> canarySteps() {
        DeploySpec.Canary canary = canary();
        return canary == null ? List.of() : canary.steps();
    }

    /** How each canary step is judged: its gate runs {@code iterations} times, {@code interval} apart. */
    public record Analysis(int iterations, Duration interval) {
    }

    public Analysis canaryAnalysis() {
        DeploySpec.Canary canary = canary();
        return canary == null || canary.analysis() == null ? new Analysis(1, Duration.ZERO)
                : new Analysis(canary.iterations(), Durations.parse(canary.analysis().interval()));
    }

    private DeploySpec.Canary canary() {
        return deploy == null || deploy.environment().spec().deploy() == null ? null
                : deploy.environment().spec().deploy().canary();
    }

    /**
     * How many stages run when all goes well: the promotion counts twice (canary, then the shift); a service canary
     * runs each step and its gate runs, then moves stable and removes the candidate.
     */
    int plannedStages() {
        int gateService = serviceGate != null ? 1 : 0;
        int service = deploy == null ? 0 : canarySteps().isEmpty() ? 1 + gateService : canarySteps().size() * (1 + gateService * canaryAnalysis().iterations()) + 2;
        return (blesses() ? 1 : 0) + (build != null ? 1 : 0) + service + (promote != null ? 2 : 0)
                + (vertexGate != null ? 1 : 0);
    }

    /** Whether the candidate model is judged against {@code model.evaluation} before any stage moves traffic. */
    public boolean blesses() {
        return promote != null && promote.environment().spec().model() != null
                && promote.environment().spec().model().evaluation() != null;
    }

    /** The same release, keeping its deploy and promotion records in {@code state}. */
    public ReleaseInputs withState(StateStore state) {
        return new ReleaseInputs(service, env, approvedBy, gitSha, buildUrl, imageDigest, build,
                deploy == null ? null : deploy.withState(state), promote == null ? null : promote.withState(state),
                serviceGate, vertexGate, servingImageIsService, gated, approval);
    }
}
