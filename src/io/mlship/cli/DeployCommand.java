package io.mlship.cli;

import io.mlship.kube.connect.GkeClusters;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.DeployStage;
import io.mlship.kube.deploy.DeployedBy;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.release.CapabilityStages;
import io.mlship.release.JournaledStages;
import io.mlship.release.ReleaseStages;
import io.mlship.result.MlshipException;
import io.mlship.spec.CommitSha;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.state.LazyStateStore;
import io.mlship.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Deploy the service to one environment and watch its rollout.",
        description = {"Applies the service's Kubernetes objects to the environment's GKE cluster by image digest, "
                + "after printing what changes against what runs now; --dry-run changes nothing.",
                "",
                "A failed rollout (ProgressDeadlineExceeded, CrashLoopBackOff, ImagePullBackOff, failing readiness or "
                        + "the deadline) is rolled back to the exact previous objects: exit 1; exit 4 if that restore "
                        + "fails. What a deploy replaced is kept in a record, so --rollback can put it back later (the "
                        + "release flow does this when the gate fails)."})
final class DeployCommand extends SpecCommand {
    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment to deploy to.")
    String env;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--image-digest", paramLabel = "sha256:…",
            description = "Digest of the image to run (from mlship build). Required, except with --dry-run.")
    String imageDigest;

    @Option(names = "--dry-run", arity = "0..1", description = "Show what would change (server-side dry run where the API supports it); apply nothing.")
    boolean dryRun;

    @Option(names = "--rollback", arity = "0..1",
            description = "Put back what ran before the last deploy to this environment (from its record) and wait until it is healthy.")
    boolean rollback;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Where the deploy record (what changed, what ran before) is kept (default: .mlship/deploy-<env>.json next to the spec).")
    Path record;


    @Option(names = "--agent-cluster", arity = "0..1",
            description = "Without a kubeconfig, deploy into the cluster the agent runs in even when the environment names "
                    + "another (default: only into the environment's own cluster).")
    boolean agentCluster;

    @Option(names = "--release-id", paramLabel = "ID",
            description = "Release id for the mlship.io/release label (default: derived from the rendered objects, so a re-run changes nothing).")
    String releaseId;

    @Option(names = "--git-sha", paramLabel = "SHA", description = "Commit the release was built from (default: $GIT_COMMIT when set).")
    String gitSha;

    @Option(names = "--build-url", paramLabel = "URL",
            description = "The build doing the deploy (default: $BUILD_URL when set): the Deployment's mlship.io/build-url "
                    + "annotation, on its own metadata, so it never restarts pods.")
    String buildUrl;

    @Option(names = "--certificate-timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "How long to wait for the TLS Certificate to be Ready. Default: ${DEFAULT-VALUE}.")
    String certificateTimeout;

    @Option(names = "--ingress-timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "How long to wait for the Ingress to get an address. Default: ${DEFAULT-VALUE}.")
    String ingressTimeout;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "Timeout of each request to the API server. Default: ${DEFAULT-VALUE}.")
    String requestTimeout;

    @Override
    String name() {
        return "deploy";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        // Everything is checked before the first request, so bad input never half-applies.
        ImageDigest digest = ImageDigest.parse(imageDigest, "--image-digest");
        if (rollback && (dryRun || digest != null)) {
            throw MlshipException.badInput("--rollback cannot be combined with --dry-run or --image-digest",
                    "run mlship deploy --rollback --env " + env + " on its own");
        }
        CommitSha sha = CommitSha.parse(gitSha != null ? gitSha : System.getenv("GIT_COMMIT"), "--git-sha");
        DeployInput input = DeployInput.of(environment(), digest, recordFile())
                .withDryRun(dryRun).withRelease(releaseId, sha).withCluster(cluster.kubeconfig, cluster.context).withAgentCluster(agentCluster)
                .withDeployedBy(new DeployedBy(buildUrl != null ? buildUrl : System.getenv("BUILD_URL"), null))
                .withTimeouts(durationOption("--certificate-timeout", certificateTimeout),
                        durationOption("--ingress-timeout", ingressTimeout), durationOption("--request-timeout", requestTimeout));
        result.put("environment", env);
        // On its own, each change of what serves is a line of the environment's history (a release writes one for all).
        ReleaseStages stages = new JournaledStages(CapabilityStages.deploying(new DeployStage(new GkeClusters(System.getenv()),
                context().json(), context().out(), progress())), context().json(), Clock.systemUTC(), progress());
        try (StateStore state = new LazyStateStore(() -> Adapters.google().states().open(input.environment(),
                cluster.stateTarget(recordFile().getParent())))) {
            run(stages, input.withState(state), result);
        }
    }

    private void run(ReleaseStages stages, DeployInput input, Map<String, Object> result) throws Exception {
        if (rollback) {
            ServiceRollback restored = stages.rollBackService(input);
            result.putAll(restored.resultFields());
            return;
        }
        if (input.environment().spec().deploy().canary() != null) {
            // Said at once: a deploy on its own has no gate to run a step against, so it rolls out in place.
            progress().warn("deploy.canary's steps run in mlship release (mlRelease), which gates the candidate at each "
                    + "step; mlship deploy rolls the Deployment out in place");
        }
        DeployOutcome outcome = stages.deploy(input);
        result.putAll(outcome.resultFields());
        if (!outcome.succeeded()) {
            throw outcome.failure();
        }
    }

    private EnvironmentView environment() {
        return EnvironmentView.of(specOptions.load(context().specLoader()), env);
    }

    private Path recordFile() {
        return record != null ? record : besideSpec(specOptions.spec).getParent().resolve("deploy-" + env + ".json");
    }
}
