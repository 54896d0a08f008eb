package io.mlship.kube.deploy;

import io.mlship.kube.apply.Plan;
import java.time.Duration;

/** What a deploy did: its plan (the diff), and for a real deploy the revisions and how long the rollout took. */
public record DeployReport(Plan plan, boolean dryRun, String dryRunMode, String revision, String previousRevision,
                           Duration rolloutTime, String ingressAddress) {
}
