package io.mlship.cli;

import io.mlship.model.BlessingJunit;
import io.mlship.model.PromotionInput;
import io.mlship.model.PromotionInput.Action;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.model.PromotionStage;
import io.mlship.release.CapabilityStages;
import io.mlship.release.JournaledStages;
import io.mlship.result.ErrorDetails;
import io.mlship.result.ExitCode;
import io.mlship.result.MlshipException;
import io.mlship.spec.CommitSha;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.TrafficShare;
import io.mlship.state.LazyStateStore;
import io.mlship.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "promote", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Promote a trained model into Vertex AI and move traffic to it.",
        description = {"Uploads the model from Cloud Storage into the Vertex AI Model Registry as a new version "
                + "with the alias 'candidate' (the same artifacts again reuse their version) and deploys it to the "
                + "environment's endpoint with the canary share of traffic.",
                "",
                "Then --shift moves all traffic and the 'prod' alias to it and undeploys the versions left without "
                        + "traffic, or --rollback restores the split and aliases recorded before. An interrupted run "
                        + "resumes waiting for its operation when run again.",
                "",
                "With model.evaluation, a candidate whose metrics miss the thresholds is refused before anything "
                        + "changes."})
final class PromoteCommand extends SpecCommand {

    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment to promote in.")
    String env;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--artifacts", paramLabel = "gs://…",
            description = "The trained model's folder; default: model.artifacts of the spec with {version} filled in.")
    String artifacts;

    // Not --version: that prints the CLI's version on every command.
    @Option(names = "--model-version", paramLabel = "VERSION",
            description = "Fills {version} in model.artifacts (e.g. the training run's folder name).")
    String modelVersion;

    @Option(names = "--canary", paramLabel = "PCT", description = "Traffic share for the new version, 0-100 (default: model.canaryPercent).")
    Integer canary;

    @Option(names = "--shift", arity = "0..1", description = "Move all traffic and the prod alias to the promoted version; undeploy the others.")
    boolean shift;

    @Option(names = "--rollback", arity = "0..1", description = "Restore the traffic split and aliases recorded before the promotion.")
    boolean rollback;

    @Option(names = "--check-only", arity = "0..1",
            description = "Check the trained model's folder (files there, none empty, their content digest) and, with "
                    + "model.evaluation, its blessing against prod, then stop: nothing is changed. For pull requests.")
    boolean checkOnly;

    @Option(names = "--override-blessing", arity = "0..1",
            description = "Promote a candidate whose metrics miss model.evaluation.thresholds (needs --reason; the "
                    + "records and history keep it).")
    boolean overrideBlessing;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why --override-blessing is needed (recorded).")
    String reason;

    @Option(names = "--sandbox", paramLabel = "DIR", description = "Use the sandbox started with mlship sandbox up --state DIR.")
    Path sandbox;

    @Option(names = "--image-digest", paramLabel = "sha256:…",
            description = "Digest of the serving image when model.serving.image is 'service' (from mlship build).")
    String imageDigest;

    @Option(names = "--git-sha", paramLabel = "SHA", description = "Commit the model is released from (default: $GIT_COMMIT).")
    String gitSha;

    @Option(names = "--build-url", paramLabel = "URL", description = "The build doing the release (default: $BUILD_URL).")
    String buildUrl;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Where the promotion record (what to shift or roll back to, the operation being waited for) is kept "
                    + "between runs (default: .mlship/promote-<env>.json next to the spec).")
    Path record;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "Longest wait for one long-running operation (e.g. 90s, 30m). Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Override
    String name() {
        return "promote";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        Instant started = Instant.now();
        result.put("environment", env);
        if (shift && rollback) {
            throw MlshipException.badInput("--shift and --rollback cannot be used together", "choose one");
        }
        if (checkOnly && (shift || rollback)) {
            throw MlshipException.badInput("--check-only checks artifacts; it cannot be combined with --shift or --rollback",
                    "run the check on its own");
        }
        if (overrideBlessing && (reason == null || reason.isBlank())) {
            throw MlshipException.badInput("--override-blessing needs --reason",
                    "say why, e.g. --reason \"metric definition changed, see DS-42\": the records and history keep it");
        }
        if (overrideBlessing && (shift || rollback)) {
            throw MlshipException.badInput("--override-blessing applies to a promotion (or --check-only); shift and "
                    + "rollback move a version already promoted", "leave it out with --shift and --rollback");
        }
        Duration wait = durationOption("--timeout", timeout);
        TrafficShare share = TrafficShare.parse(canary, "--canary");
        ImageDigest digest = ImageDigest.parse(imageDigest, "--image-digest");
        CommitSha sha = CommitSha.parse(gitSha != null ? gitSha : System.getenv("GIT_COMMIT"), "--git-sha");
        EnvironmentView environment = EnvironmentView.of(specOptions.load(context().specLoader()), env);
        Action action = checkOnly ? Action.CHECK : shift ? Action.SHIFT : rollback ? Action.ROLLBACK : Action.PROMOTE;
        PromotionInput input = PromotionInput.of(environment, action, recordFile())
                .withModel(artifacts, modelVersion, share)
                .withProvenance(digest, sha, buildUrl != null ? buildUrl : System.getenv("BUILD_URL"))
                .withEarlierResult(resultDirectory().resolve("promote.json"))
                .withOperationTimeout(wait)
                .withBlessingOverride(overrideBlessing ? reason.strip() : null);
        Adapters adapters = Adapters.choose(sandbox, context().err());
        PromotionOutcome outcome;
        try (StateStore state = action == Action.CHECK ? null : new LazyStateStore(() -> adapters.states().open(environment,
                cluster.stateTarget(recordFile().getParent())))) {
            // On its own, each change of what serves is a line of the environment's history (a release writes one for all).
            outcome = new JournaledStages(CapabilityStages.promoting(new PromotionStage(adapters.models(), context().json(),
                    progress())), context().json(), Clock.systemUTC(), progress())
                    .promote(input.withState(state), rec -> checkpoint(result, rec, started));
        }
        result.putAll(outcome.resultFields());
        if (outcome.blessing() != null) {
            result.put("blessingJunitFile", BlessingJunit.write(outcome.blessing(),
                    resultDirectory().resolve("blessing-junit.xml")).toString());
        }
        if (!outcome.succeeded()) {
            throw outcome.failure();
        }
    }

    /** Saves the result while an operation runs, so that a killed build leaves its operation's name behind. */
    private void checkpoint(Map<String, Object> result, PromotionRecord rec, Instant started) {
        result.put("promotion", rec);
        if (rec.pendingOperation() == null) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>(result);
        MlshipException running = MlshipException.infrastructure("stopped while waiting for " + rec.pendingOperation().what(),
                "run the same command again: it resumes waiting for operation " + rec.pendingOperation().name(), null);
        context().resultFile().write(resultDirectory(), name(), context().version(), started,
                Duration.between(started, Instant.now()).toMillis(), ExitCode.INFRASTRUCTURE, fields, ErrorDetails.of(running));
    }

    private Path recordFile() {
        return record != null ? record : besideSpec(specOptions.spec).getParent().resolve("promote-" + env + ".json");
    }
}
