package io.mlship.cli;

import io.mlship.image.BuildInput;
import io.mlship.image.BuildStage;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployedBy;
import io.mlship.kube.deploy.DeployStage;
import io.mlship.kube.lock.LockChoice;
import io.mlship.model.PromotionInput;
import io.mlship.model.PromotionStage;
import io.mlship.release.Approval;
import io.mlship.release.CapabilityStages;
import io.mlship.release.PromoteFrom;
import io.mlship.state.StateStores;
import io.mlship.release.ReleaseInputs;
import io.mlship.release.ReleaseParts;
import io.mlship.release.ReleaseRun;
import io.mlship.release.ReleaseRecord;
import io.mlship.release.ReleaseReport;
import io.mlship.release.ReleaseSummary;
import io.mlship.release.StageFiles;
import io.mlship.release.Who;
import io.mlship.result.JsonRecords;
import io.mlship.result.MlshipException;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateStage;
import io.mlship.smoke.tls.GateTls;
import io.mlship.smoke.tls.TlsContexts;
import io.mlship.spec.CommitSha;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.HttpUrl;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.LoadedSpec;
import io.mlship.spec.TrafficShare;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "release", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Build, deploy, promote and gate a release to one environment.",
        description = {"Releases a service and its model in order: build → deploy → promote the model with its canary "
                + "share → gate the service and the endpoint → shift all traffic and the prod alias to the new "
                + "version and undeploy the old ones. A failed rollout or gate puts back both the service and the "
                + "model as they ran before (exit 1).",
                "",
                "One release per service and environment runs at a time: it holds a Kubernetes Lease that pipelines "
                        + "and terminals alike take. Writes a release record (JSON), an HTML report and a summary; "
                        + "each stage's own result is kept too."})
final class ReleaseCommand extends SpecCommand {
    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment to release to.")
    String env;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--model-version", paramLabel = "VERSION", description = "Fills {version} in model.artifacts (the training run's folder).")
    String modelVersion;

    @Option(names = "--artifacts", paramLabel = "gs://…", description = "The trained model's folder instead of model.artifacts.")
    String artifacts;

    @Option(names = "--canary", paramLabel = "PCT", description = "Traffic share for the new model version while it is gated, 0-100 (default: model.canaryPercent).")
    Integer canary;

    @Option(names = "--image-digest", paramLabel = "sha256:…", description = "Release this already built image instead of building one.")
    String imageDigest;

    @Option(names = "--base-image", paramLabel = "REF|TAR|scratch", description = "Base image for the build instead of image.base (as mlship build).")
    String baseImage;

    @Option(names = "--tar", paramLabel = "OUT.tar", description = "Build the image into this tar instead of pushing it.")
    Path tar;

    @Option(names = "--allow-insecure-registry", arity = "0..1", fallbackValue = "true", description = "Allow a plain-HTTP registry (a local one).")
    boolean allowInsecureRegistry;

    @Option(names = "--skip-build", arity = "0..1", description = "Do not build (give --image-digest when the service is released).")
    boolean skipBuild;

    @Option(names = "--skip-service", arity = "0..1", description = "Leave the service alone: release the model only.")
    boolean skipService;

    @Option(names = "--skip-model", arity = "0..1", description = "Leave the model alone: release the service only.")
    boolean skipModel;

    @Option(names = "--cases", paramLabel = "FILE", description = "Cases for the service's gate instead of smoke.cases.")
    Path cases;

    @Option(names = "--prediction-cases", paramLabel = "FILE", description = "Cases for the endpoint's gate instead of smoke.predictionCases.")
    Path predictionCases;

    @Option(names = "--baseline", paramLabel = "URL", description = "Production service to compare the service's answers with (golden comparison).")
    String baseline;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "CA certificates (a PEM bundle) the service's gate trusts for "
            + "HTTPS in addition to the JVM's default trust store. Default: smoke.tls.caFile of the environment.")
    Path caFile;

    @Option(names = "--approved-by", paramLabel = "WHO", description = "Who approved the release (recorded).")
    String approvedBy;

    @Option(names = "--approved-image-digest", paramLabel = "sha256:…", description = "The image the approver saw: "
            + "the release refuses (exit 2, nothing changed) to deploy any other (needs --approved-by).")
    String approvedImageDigest;

    @Option(names = "--approved-model-version", paramLabel = "VERSION", description = "The model version (or artifacts "
            + "folder) the approver saw: the release refuses (exit 2, nothing changed) to promote any other (needs --approved-by).")
    String approvedModelVersion;

    @Option(names = "--approval-reason", paramLabel = "TEXT", description = "Why the approver allowed the release (recorded).")
    String approvalReason;

    @Option(names = "--resolve-only", arity = "0..1", description = "Change nothing: work out the image digest and model "
            + "version this release would take (with promoteFrom, what passed that environment's gate), write them to "
            + "the result as 'resolved' and stop. A pipeline shows them to the approver.")
    boolean resolveOnly;

    @Option(names = "--force-ungated", arity = "0..1", description = "Release an image or model version that has not passed the promoteFrom environment's gate (needs --reason; the record and history keep it).")
    boolean forceUngated;

    @Option(names = "--override-blessing", arity = "0..1", description = "Release a model whose metrics miss model.evaluation.thresholds (needs --reason; the record and history keep it).")
    boolean overrideBlessing;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why --force-ungated or --override-blessing is needed (recorded).")
    String reason;

    @Option(names = "--lock", paramLabel = "lease|none", defaultValue = "lease",
            description = "lease: take a Kubernetes Lease per service and environment, which every release waits for, from a pipeline or a terminal; "
                    + "none: only in a Jenkins build holding a lock of its own (refused elsewhere). Default: ${DEFAULT-VALUE}.")
    String lock;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "15m",
            description = "How long to wait for another release of the same service and environment. Default: ${DEFAULT-VALUE}.")
    String lockTimeout;

    @Option(names = "--sandbox", paramLabel = "DIR", description = "Release onto the sandbox started with mlship sandbox up --state DIR.")
    Path sandbox;


    @Option(names = "--from-context", paramLabel = "NAME", description = "Kubeconfig context of the promoteFrom environment's "
            + "cluster, where what passed its gate is read (default: its GKE context name).")
    String fromContext;

    @Option(names = "--agent-cluster", arity = "0..1",
            description = "Without a kubeconfig, deploy into the cluster the agent runs in even when the environment names another (as mlship deploy).")
    boolean agentCluster;

    @Option(names = "--git-sha", paramLabel = "SHA", description = "Commit released (default: $GIT_COMMIT).")
    String gitSha;

    @Option(names = "--build-url", paramLabel = "URL",
            description = "The build doing the release (default: $BUILD_URL): in the release record, the Deployment's "
                    + "mlship.io/build-url annotation and the model's labels, never in the image.")
    String buildUrl;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "Longest wait for one Vertex AI operation. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--record", paramLabel = "FILE", description = "Release record (JSON). Default: release-record.json beside the result.")
    Path record;

    @Option(names = "--report", paramLabel = "OUT.html", description = "HTML release report. Default: release-report.html beside the result.")
    Path report;

    @Override
    String name() {
        return "release";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        result.put("environment", env);
        // Everything is checked before the first remote call: bad input never half-releases.
        Duration lockWait = durationOption("--lock-timeout", lockTimeout);
        Duration operationWait = durationOption("--timeout", timeout);
        LockChoice lockChoice = LockChoice.of(lock, context().env());
        ImageDigest given = ImageDigest.parse(imageDigest, "--image-digest");
        TrafficShare share = TrafficShare.parse(canary, "--canary");
        CommitSha sha = CommitSha.parse(gitSha != null ? gitSha : context().env().get("GIT_COMMIT"), "--git-sha");
        String url = buildUrl != null ? buildUrl : context().env().get("BUILD_URL");
        LoadedSpec loaded = specOptions.load(context().specLoader()); // the one load of this release
        EnvironmentView environment = EnvironmentView.of(loaded, env);
        result.put("service", environment.service());
        Approval approval = Approval.of(approvedBy, approvalReason,
                ImageDigest.parse(approvedImageDigest, "--approved-image-digest"), approvedModelVersion);
        if (forceUngated && (reason == null || reason.isBlank())) {
            throw MlshipException.badInput("--force-ungated needs --reason", "say why, e.g. --reason \"hotfix for INC-123\": the release record and history keep it");
        }
        if (overrideBlessing && (reason == null || reason.isBlank())) {
            throw MlshipException.badInput("--override-blessing needs --reason", "say why, e.g. --reason \"metric definition changed, see DS-42\": the release record and history keep it");
        }
        Adapters adapters = Adapters.choose(sandbox, context().err());
        Path stateDir = specOptions.spec.toAbsolutePath().normalize().getParent().resolve(".mlship");
        StateStores.Target where = cluster.stateTarget(stateDir);
        PromoteFrom.Choice chosen = environment.promoteFrom() == null ? null : PromoteFrom.of(adapters.states(), loaded,
                environment, new StateStores.Target(cluster.kubeconfig, fromContext, stateDir, null), context().json(), forceUngated ? reason : null)
                .choose(given, modelVersion, artifacts, ReleaseParts.needsImage(environment.spec(), skipService, skipModel),
                        !skipModel && environment.spec().model() != null);
        given = chosen != null && chosen.imageDigest() != null ? chosen.imageDigest() : given;
        modelVersion = chosen != null && chosen.modelVersion() != null ? chosen.modelVersion() : modelVersion;
        ReleaseParts parts = ReleaseParts.decide(environment.spec(), skipBuild || chosen != null, skipService, skipModel, given);
        // What goes out, as an approver names it: the image (deployed, or serving the model) and the model version.
        ImageDigest image = ReleaseParts.needsImage(environment.spec(), skipService, skipModel) ? given : null;
        String model = !parts.promote() ? null : modelVersion != null ? modelVersion : artifacts;
        if (resolveOnly) {
            result.put("resolved", resolved(parts, image, model, chosen));
            return;
        }
        if (approval != null) {
            approval.requireSame(image, model, parts.build());
        }
        if (environment.spec().smoke() == null) {
            progress().warn("the spec has no smoke section, so nothing gates this release");
        }
        Path work = resultDirectory().resolve("release");
        ReleaseInputs inputs = inputs(loaded, environment, parts, adapters, given, share, sha, url, operationWait, work, chosen == null
                ? null : new ReleaseRecord.Gated(environment.promoteFrom(), chosen.passedIn(), chosen.forcedReason()), approval);
        Path recordFile = record != null ? record : resultDirectory().resolve("release-record.json");
        Path reportFile = report != null ? report : resultDirectory().resolve("release-report.html");
        if (adapters.description() != null) {
            progress().step("releasing onto " + adapters.description());
        }

        // Each stage speaks under its own name, as when it runs alone; the flow speaks as the release.
        CapabilityStages stages = new CapabilityStages(
                new BuildStage(context().json(), context().version(), context().progress("build"), context().env()),
                new DeployStage(adapters.clusters(), context().json(), context().out(), context().progress("deploy")),
                new PromotionStage(adapters.models(), context().json(), context().progress("promote")),
                new GateStage(adapters.predictors(), context().json(), context().progress("smoke")));
        ReleaseRecord done = new ReleaseRun(adapters.clusters(), adapters.states(), context().json(), progress(), Clock.systemUTC())
                .run(environment, inputs, stages, new StageFiles(context().resultFile(), context().version(), work),
                        new ReleaseRun.Setting(lockChoice, lockWait, Who.of(url), where, modelVersion));
        JsonRecords.write(context().json(), recordFile, done, "release record");
        new ReleaseReport().write(done, reportFile);
        context().err().println();
        context().err().print(new ReleaseSummary().render(done, reportFile));
        context().err().flush();
        ReleaseResult.put(done, approvedBy, recordFile, reportFile, result);
        if (!done.released()) {
            throw ReleaseResult.failure(done, recordFile, reportFile);
        }
    }

    /** Each part's stage input, as the command line and the spec decide it; null for a part that does not run. */
    private ReleaseInputs inputs(LoadedSpec loaded, EnvironmentView environment, ReleaseParts parts, Adapters adapters,
                                 ImageDigest given, TrafficShare share, CommitSha sha, String url, Duration operationWait,
                                 Path work, ReleaseRecord.Gated gated, Approval approval) {
        Path stateDir = specOptions.spec.toAbsolutePath().normalize().getParent().resolve(".mlship");
        BuildInput build = !parts.build() ? null : adapters.images().apply(
                BuildInput.of(environment, loaded.document().repoRoot().toAbsolutePath().normalize(), stateDir.resolve("cache"))
                        .withTarOutput(tar == null ? null : tar.toAbsolutePath().normalize()).withBase(baseImage)
                        .withRegistry(null, allowInsecureRegistry).withGit(sha == null ? null : sha.value(), null, null)
                        .withProvenance(null, url));
        DeployInput deploy = !parts.deploy() ? null
                : DeployInput.of(environment, given, stateDir.resolve("deploy-" + env + ".json"))
                        .withRelease(null, sha).withCluster(cluster.kubeconfig, cluster.context).withAgentCluster(agentCluster)
                        .withDeployedBy(new DeployedBy(url, approvedBy));
        PromotionInput promote = !parts.promote() ? null
                : PromotionInput.of(environment, PromotionInput.Action.PROMOTE, stateDir.resolve("promote-" + env + ".json"))
                        .withModel(artifacts, modelVersion, share).withProvenance(given, sha, url)
                        .withEarlierResult(work.resolve("promote").resolve("promote.json"))
                        .withOperationTimeout(operationWait)
                        .withBlessingOverride(overrideBlessing ? reason.strip() : null);
        GateInput serviceGate = !parts.gateService() ? null : gate(environment, false, work.resolve("gate-service"), adapters);
        GateInput vertexGate = !parts.gateVertex() ? null : gate(environment, true, work.resolve("gate-vertex"), adapters);
        return new ReleaseInputs(environment.service(), env, approvedBy, sha, url, given, build, deploy, promote,
                serviceGate, vertexGate, environment.servesModelFromServiceImage(), gated, approval);
    }

    /** What a release would take, for --resolve-only: null where the part is built or not released. */
    private static Map<String, Object> resolved(ReleaseParts parts, ImageDigest image, String model, PromoteFrom.Choice chosen) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("imageDigest", image == null ? null : image.value());
        out.put("buildsImage", parts.build());
        out.put("modelVersion", model);
        out.put("passedIn", chosen == null ? null : chosen.passedIn());
        return out;
    }

    /**
     * The service's gate starts at the environment's https://host (the deploy may say where it answers instead);
     * the endpoint's gate re-sends each case until the promoted version answers it, since it serves a canary share.
     */
    private GateInput gate(EnvironmentView environment, boolean vertex, Path dir, Adapters adapters) {
        Path casesFile = environment.spec().smoke().casesFile(vertex ? predictionCases : cases, vertex, specOptions.root());
        URI service = vertex || environment.serviceUrl() == null ? null : URI.create(environment.serviceUrl());
        URI baselineUri = vertex ? null : HttpUrl.parse(baseline, "--baseline");
        GateTls tls = GateTls.of(environment.spec().smoke().tls(), specOptions.root(), caFile);
        if (!vertex && !tls.isDefault()) {
            TlsContexts.build(tls); // a bad CA or client certificate file is bad input before anything is changed
        }
        return new GateInput(environment, vertex, service, casesFile, baselineUri, null, vertex ? 100 : 1, dir.resolve("smoke-junit.xml"),
                dir.resolve("smoke-report.html"), dir.resolve("smoke.json"), new GateInput.Connection(tls, false,
                vertex ? null : adapters.hostsAt().get()));
    }
}
