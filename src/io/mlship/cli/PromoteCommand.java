package io.mlship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.storage.StorageOptions;
import io.mlship.model.ArtifactCheck;
import io.mlship.model.ArtifactStore;
import io.mlship.model.GcsArtifactStore;
import io.mlship.model.OperationWaiter;
import io.mlship.model.PromotionPlan;
import io.mlship.model.PromotionPlanner;
import io.mlship.model.PromotionRecord;
import io.mlship.model.Promoter;
import io.mlship.model.VertexClients;
import io.mlship.model.VertexTarget;
import io.mlship.result.ErrorDetails;
import io.mlship.result.ExitCode;
import io.mlship.result.JsonRecords;
import io.mlship.result.MlshipException;
import io.mlship.sandbox.SandboxInfo;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.sandbox.storage.FolderArtifactStore;
import io.mlship.sandbox.storage.LocalBuckets;
import io.mlship.spec.ReleaseSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "promote", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        description = {"Promote a trained model from Cloud Storage into the Vertex AI Model Registry (a new version of the",
                "model, alias 'candidate'; the same artifacts again reuse their version) and deploy it to the",
                "environment's endpoint with the canary share of traffic. Then --shift moves all traffic and the 'prod'",
                "alias to it and undeploys the versions left without traffic, or --rollback restores the split and",
                "aliases recorded before. An interrupted run resumes waiting for its operation when run again."})
final class PromoteCommand extends SpecCommand {

    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment to promote in.")
    String env;

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
            description = "Check the trained model's folder (files there, none empty, their content digest) and stop: "
                    + "no Vertex AI call. For pull requests.")
    boolean checkOnly;

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
        Duration wait = durationOption("--timeout", timeout);
        ReleaseSpec release = specOptions.load(context().specLoader()).forEnvironment(env);
        PromotionPlan plan = new PromotionPlanner(release, env).artifacts(artifacts).version(modelVersion).canary(canary)
                .imageDigest(imageDigest).sandbox(sandbox != null).needsArtifacts(!shift && !rollback).needsImage(!checkOnly)
                .gitSha(gitSha != null ? gitSha : System.getenv("GIT_COMMIT"))
                .buildUrl(buildUrl != null ? buildUrl : System.getenv("BUILD_URL")).plan();
        if (checkOnly && (shift || rollback)) {
            throw MlshipException.badInput("--check-only checks artifacts; it cannot be combined with --shift or --rollback",
                    "run the check on its own");
        }
        if (checkOnly) {
            ArtifactCheck.Report report = new ArtifactCheck().check(artifactStore(plan), plan.artifacts());
            result.put("action", "check");
            result.put("artifacts", report.artifacts().toString());
            result.put("files", report.files().size());
            result.put("bytes", report.bytes());
            result.put("artifactDigest", report.digest());
            context().err().println("[mlship promote] " + report.files().size() + " files, " + report.bytes() + " bytes under "
                    + report.artifacts() + ", content " + report.digest() + " (checked only; nothing promoted)");
            return;
        }
        PromotionRecord prior = readPrior();
        if (prior != null) {
            result.put("promotion", prior);
        }
        VertexTarget target;
        ArtifactStore store;
        Duration poll;
        if (sandbox != null) {
            SandboxInfo info = new SandboxStateDir(sandbox).require();
            target = VertexTarget.emulator(info.vertexGrpc());
            store = new FolderArtifactStore(new LocalBuckets(Path.of(info.storageRoot())));
            poll = Duration.ofMillis(100);
        } else {
            target = VertexTarget.google(plan.region());
            store = new GcsArtifactStore(StorageOptions.newBuilder().setProjectId(plan.project()).build().getService());
            poll = Duration.ofSeconds(5);
        }
        try (VertexClients vertex = new VertexClients(target, Duration.ofSeconds(60))) {
            OperationWaiter waiter = new OperationWaiter(vertex.operations(), wait, poll, Duration.ofSeconds(30), context().err());
            Promoter promoter = new Promoter(vertex, store, waiter, context().err(), rec -> checkpoint(result, rec, started));
            PromotionRecord done;
            try {
                promoter.resume(prior);
                done = rollback ? promoter.rollback(plan, prior)
                        : shift ? promoter.shift(plan, prior) : promoter.promote(plan, prior);
            } catch (com.google.api.gax.rpc.ApiException e) {
                throw apiError(e);
            } catch (com.google.cloud.BaseServiceException e) {
                throw MlshipException.infrastructure("Cloud Storage: " + e.getMessage(),
                        "check that the artifacts bucket exists and the agent may read it (roles/storage.objectViewer)", e);
            }
            result.put("action", done.action());
            result.put("model", done.model());
            result.put("modelVersionId", done.modelVersionId());
            result.put("reused", done.reused());
            result.put("endpoint", done.endpoint());
            result.put("deployedModelId", done.deployedModelId());
            result.put("trafficSplit", done.trafficSplit());
            result.put("aliases", done.aliases());
            result.put("artifactDigest", done.artifactDigest());
            result.put("promotion", done);
            saveRecord(done);
            context().err().println("[mlship promote] " + done.action() + " done: " + done.model() + "@" + done.modelVersionId()
                    + " on " + done.endpoint() + ", traffic " + done.trafficSplit());
        }
    }

    private ArtifactStore artifactStore(PromotionPlan plan) throws IOException {
        if (sandbox != null) {
            SandboxInfo info = new SandboxStateDir(sandbox).require();
            return new FolderArtifactStore(new LocalBuckets(Path.of(info.storageRoot())));
        }
        return new GcsArtifactStore(StorageOptions.newBuilder().setProjectId(plan.project()).build().getService());
    }

    /** An error the Vertex AI API answered with, said plainly, with what to do about it. */
    private static MlshipException apiError(com.google.api.gax.rpc.ApiException e) {
        String code = e.getStatusCode().getCode().name();
        String hint = switch (e.getStatusCode().getCode()) {
            case PERMISSION_DENIED, UNAUTHENTICATED -> "the agent's credentials may not do this: grant its service account "
                    + "roles/aiplatform.user on the Vertex AI project (and storage read on the artifacts)";
            case NOT_FOUND -> "check the environment's Vertex AI project and region, and that the Vertex AI API is enabled";
            case INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS -> "Vertex AI refused the request; the message says why";
            case UNAVAILABLE, DEADLINE_EXCEEDED -> "Vertex AI did not answer in time; run the same command again";
            default -> "run the same command again; it resumes where it stopped";
        };
        return MlshipException.infrastructure("Vertex AI answered " + code + ": " + e.getMessage(), hint, e);
    }

    /** Saves the record while an operation runs, so that a killed build leaves its operation's name behind. */
    private void checkpoint(Map<String, Object> result, PromotionRecord rec, Instant started) {
        result.put("promotion", rec);
        saveRecord(rec);
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

    private void saveRecord(PromotionRecord rec) {
        JsonRecords.write(context().json(), recordFile(), rec, "promotion record");
    }

    /** The record of the last run: the record file, else the promotion in the result file of the same result dir. */
    private PromotionRecord readPrior() throws IOException {
        if (Files.isRegularFile(recordFile())) {
            return context().json().readValue(recordFile().toFile(), PromotionRecord.class);
        }
        Path file = resultDirectory().resolve("promote.json");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode node = context().json().readTree(file.toFile()).get("promotion");
        if (node == null || node.isNull()) {
            return null;
        }
        return context().json().treeToValue(node, PromotionRecord.class);
    }

}
