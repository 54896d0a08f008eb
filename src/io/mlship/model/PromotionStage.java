package io.mlship.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.model.PromotionInput.Action;
import io.mlship.progress.Progress;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import io.mlship.spec.ModelSpec;
import io.mlship.state.StateDocument;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The promotion stage: check a trained model's files, promote it (new version, candidate alias, canary share on
 * the endpoint), shift all traffic and prod to it, or roll back — each step resuming an operation an interrupted
 * run left behind. The record of each step is saved whenever it changes, so any later run, on any agent that has
 * the record, carries on.
 */
public final class PromotionStage {
    private final ModelAccess access;
    private final ObjectMapper json;
    private final Progress progress;

    public PromotionStage(ModelAccess access, ObjectMapper json, Progress progress) {
        this.access = access;
        this.json = json;
        this.progress = progress;
    }

    /** Runs the step; {@code checkpoint} hears of every record saved while it runs (an operation started or done). */
    public PromotionOutcome run(PromotionInput in, Consumer<PromotionRecord> checkpoint) throws IOException {
        String env = in.environment().name();
        PromotionPlan plan = new PromotionPlanner(in.environment()).artifacts(in.artifacts()).version(in.modelVersion())
                .canary(in.canary()).imageDigest(in.imageDigest())
                .needsArtifacts(in.action() == Action.PROMOTE || in.action() == Action.CHECK || in.action() == Action.BLESS)
                .needsImage(in.action() == Action.PROMOTE) // shift and rollback move what was uploaded before
                .gitSha(in.gitSha()).buildUrl(in.buildUrl()).plan();
        ModelSpec.Evaluation evaluation = in.environment().spec().model().evaluation();
        if (in.action() == Action.CHECK) {
            ArtifactCheck.Report report = new ArtifactCheck().check(access.artifacts(plan.project()), plan.artifacts());
            progress.step(report.files().size() + " files, " + report.bytes() + " bytes under "
                    + report.artifacts() + ", content " + report.digest() + " (checked only; nothing promoted)");
            if (evaluation == null) {
                return new PromotionOutcome(env, in.action(), null, report, null);
            }
            Blessing b = judge(in, plan, evaluation);
            return new PromotionOutcome(env, in.action(), null, report, refusal(b), b);
        }
        if (in.action() == Action.BLESS) {
            if (evaluation == null) {
                return new PromotionOutcome(env, in.action(), null, null, null);
            }
            Blessing b = judge(in, plan, evaluation);
            return new PromotionOutcome(env, in.action(), null, null, refusal(b), b);
        }
        StateDocument<PromotionRecord> records = new StateDocument<>(in.state(), "promote", PromotionRecord.class,
                in.recordFile(), json);
        PromotionRecord prior = readPrior(in, records);
        Blessing blessing = null;
        if (in.action() == Action.PROMOTE && evaluation != null) {
            // Before anything is written: an unblessed candidate gets no version, no deployment, no traffic.
            blessing = judge(in, plan, evaluation);
            MlshipException refused = refusal(blessing);
            if (refused != null) {
                return new PromotionOutcome(env, in.action(), null, null, refused, blessing);
            }
            plan = plan.withLabels(MetricLabels.onVersion(plan.labels(), blessing));
        }
        Blessing judged = blessing;
        PromotionRecord[] last = {prior};
        Consumer<PromotionRecord> save = rec -> {
            PromotionRecord kept = judged == null ? rec : rec.withBlessing(judged);
            last[0] = kept;
            records.save(kept);
            checkpoint.accept(kept);
        };
        try (VertexClients vertex = new VertexClients(access.vertex(plan.region()), Duration.ofSeconds(60))) {
            OperationWaiter waiter = new OperationWaiter(vertex.operations(), in.operationTimeout(), access.pollInterval(),
                    Duration.ofSeconds(30), progress);
            Promoter promoter = new Promoter(vertex, access.artifacts(plan.project()), waiter, progress, save);
            PromotionRecord done;
            try {
                promoter.resume(prior);
                done = switch (in.action()) {
                    case ROLLBACK -> promoter.rollback(plan, prior);
                    case SHIFT -> promoter.shift(plan, prior);
                    default -> promoter.promote(plan, prior);
                };
            } catch (com.google.api.gax.rpc.ApiException e) {
                return new PromotionOutcome(env, in.action(), last[0], null, VertexErrors.of(e), judged);
            } catch (com.google.cloud.BaseServiceException e) {
                return new PromotionOutcome(env, in.action(), last[0], null, MlshipException.infrastructure(
                        "Cloud Storage: " + e.getMessage(),
                        "check that the buckets exist (the artifacts', and the environment's copyArtifacts.bucket) and that "
                                + "the agent may read the artifacts (roles/storage.objectViewer) and write the copy "
                                + "(roles/storage.objectCreator)", e));
            } catch (MlshipException e) {
                return new PromotionOutcome(env, in.action(), last[0], null, e, judged);
            }
            if (judged != null) {
                done = done.withBlessing(judged);
            }
            records.save(done);
            progress.step(done.action() + " done: " + done.model() + "@" + done.modelVersionId()
                    + " on " + done.endpoint() + ", traffic " + done.trafficSplit());
            return new PromotionOutcome(env, in.action(), done, null, null, judged);
        }
    }

    /** The candidate judged against prod (reads only), with the override applied when one was given. */
    private Blessing judge(PromotionInput in, PromotionPlan plan, ModelSpec.Evaluation evaluation) {
        try (VertexClients vertex = new VertexClients(access.vertex(plan.region()), Duration.ofSeconds(60))) {
            Blessing b = new BlessingCheck(access.artifacts(plan.project()), vertex, progress)
                    .judge(evaluation, plan.artifacts(), plan.modelName(), plan.prodAlias());
            if (!b.blessed() && in.blessingOverride() != null) {
                progress.warn("promoting a candidate that is not blessed, as --override-blessing asks: "
                        + in.blessingOverride());
                return b.overriddenBecause(in.blessingOverride());
            }
            return b;
        } catch (com.google.api.gax.rpc.ApiException e) {
            throw VertexErrors.of(e);
        } catch (com.google.cloud.BaseServiceException e) {
            throw MlshipException.infrastructure("Cloud Storage: reading " + plan.artifacts() + evaluation.metrics()
                    + ": " + e.getMessage(), "check that the agent may read the artifacts (roles/storage.objectViewer)", e);
        }
    }

    /** Why the candidate may not go on (exit 1); null when it may. */
    private static MlshipException refusal(Blessing b) {
        if (b.allowsPromotion()) {
            return null;
        }
        return new MlshipException(ErrorCategory.GATE_FAILED, "the candidate is not blessed: " + b.summary(),
                "its metrics (" + b.metricsFile() + ") miss model.evaluation.thresholds; nothing was promoted. Retrain, or "
                        + "promote it anyway with --override-blessing --reason \"…\" (recorded)");
    }

    /** The record of the last run: the store's (else the workspace file's), else the promotion in an earlier result file. */
    private PromotionRecord readPrior(PromotionInput in, StateDocument<PromotionRecord> records) throws IOException {
        java.util.Optional<PromotionRecord> kept = records.load();
        if (kept.isPresent()) {
            return kept.get();
        }
        Path file = in.earlierResult();
        if (file == null || !Files.isRegularFile(file)) {
            return null;
        }
        JsonNode node = json.readTree(file.toFile()).get("promotion");
        if (node == null || node.isNull()) {
            return null;
        }
        return json.treeToValue(node, PromotionRecord.class);
    }
}
