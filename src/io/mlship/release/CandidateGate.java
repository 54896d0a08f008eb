package io.mlship.release;

import io.mlship.kube.deploy.CanaryStep;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.smoke.GateInput;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.SmokeSpec;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** The service gate of one canary step, aimed at the candidate rather than at the host as a whole. */
final class CandidateGate {
    static final String ALWAYS = "always";
    static final String NEVER = "never";

    private CandidateGate() {
    }

    /**
     * The candidate's own address, and the canary header with {@code always} so a host route sends every request
     * to it. With golden answers on and no baseline given, stable is the baseline ({@code never}: every request to
     * stable), so the candidate is compared with what serves now. Its files go to {@code name} (the stage's)
     * beside the release's other stage files. Answers that name an image must name {@code digest}: the candidate's.
     */
    static GateInput of(GateInput serviceGate, DeployInput deploy, CanaryStep step, ImageDigest digest, String name) {
        GateInput gate = serviceGate;
        String header = deploy.environment().spec().deploy().canary().header();
        Map<String, String> baselineHeaders = Map.of();
        if (gate.baseline() == null && goldenOn(gate)) {
            gate = gate.withBaseline(step.stableUrl() != null ? URI.create(step.stableUrl()) : gate.serviceUrl());
            baselineHeaders = Map.of(header, NEVER);
        }
        URI url = step.candidateUrl() != null ? URI.create(step.candidateUrl()) : gate.serviceUrl();
        gate = gate.withServiceUrl(url).withImageDigest(digest)
                .withConnection(gate.connection().withRouteHeaders(Map.of(header, ALWAYS), baselineHeaders));
        Path files = gate.resultFile() == null ? null : gate.resultFile().getParent();
        return files == null ? gate : gate.withFilesIn(files.resolveSibling(name));
    }

    /** Whether the spec turns the golden comparison on for this gate's environment. */
    static boolean goldenOn(GateInput gate) {
        SmokeSpec smoke = gate.environment().spec().smoke();
        return smoke != null && smoke.golden() != null && smoke.golden().enabled();
    }
}
