package io.mlship.release;

import io.mlship.image.BuildOutcome;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.model.PromotionInput.Action;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import io.mlship.smoke.GateResult;
import io.mlship.spec.ImageDigest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One release: build → deploy → promote with the canary share → gate the service and the endpoint → shift all
 * traffic and the prod alias. A failed rollout or gate puts back both the service and the model as they were
 * before; a stage that changed nothing is not rolled back, so an earlier release's state is never touched.
 * This class decides order and undo and hands each stage what the one before produced; the stages do the work.
 */
public final class ReleaseFlow {
    private final ReleaseInputs in;
    private final ReleaseStages run;
    private final StageFiles files;
    private final Progress progress;
    private final Clock clock;
    private final List<StageResult> stages = new ArrayList<>();
    private final ReleaseRecorder recorder;
    private final ReleaseLedger ledger;
    private Instant started;

    // What the release has done so far, and so what a rollback must undo.
    private ImageDigest digest;
    private String imageRef;
    private StageRun<DeployOutcome> deployed;
    private StageRun<PromotionOutcome> promoted;

    public ReleaseFlow(ReleaseInputs in, ReleaseStages stages, StageFiles files, Progress progress, Clock clock) {
        this(in, stages, files, progress, clock, ReleaseLedger.NONE);
    }

    /** {@code ledger} keeps the finished release's gate verdict and journal line. */
    public ReleaseFlow(ReleaseInputs in, ReleaseStages stages, StageFiles files, Progress progress, Clock clock,
                       ReleaseLedger ledger) {
        this.ledger = ledger;
        this.in = in;
        this.run = stages;
        this.files = files;
        this.progress = progress;
        this.clock = clock;
        this.recorder = new ReleaseRecorder(in);
    }

    public ReleaseRecord run() {
        started = clock.instant();
        digest = in.imageDigest();
        progress.step(in.service() + " → " + in.env() + ": " + in.plannedStages() + " stages");

        if (in.build() != null) {
            StageRun<BuildOutcome> b = stage("build", "build", "building the image", () -> run.build(in.build()));
            if (!b.succeeded()) {
                return finish(b, "failed", "the image build failed: " + b.errorMessage(), b.errorHint());
            }
            digest = b.outcome().digest();
            imageRef = b.outcome().imageRef();
            done("build", digest.value());
        } else {
            stages.add(StageResult.skipped("build", digest != null ? "releasing the given image " + digest : "no image in this release"));
        }

        if (in.deploy() != null) {
            deployed = stage("deploy", "deploy", "rolling out " + (digest == null ? "the image" : digest.abbreviated()),
                    () -> run.deploy(in.deploy().withImage(digest)));
            if (!deployed.succeeded()) {
                // The deploy stage restores the previous objects itself when its rollout fails (exit 1).
                boolean restored = deployed.exitCode() == 1;
                if (restored) {
                    markLast(StageStatus.ROLLED_BACK);
                }
                return finish(deployed, restored ? "rolledBack" : "failed", "the rollout failed: " + deployed.errorMessage(),
                        deployed.errorHint());
            }
            DeployOutcome d = deployed.outcome();
            imageRef = d.image();
            done("deploy", "revision " + d.revision() + (d.changes() > 0 ? "" : " (already running: nothing changed)"));
        } else {
            stages.add(StageResult.skipped("deploy", "no service in this release"));
        }

        if (in.promote() != null) {
            ImageDigest serving = in.servingImageIsService() ? digest : in.promote().imageDigest();
            promoted = promotion("promote", "promoting the model with its canary share",
                    in.promote().withProvenance(serving, in.promote().gitSha(), in.promote().buildUrl()));
            if (!promoted.succeeded()) {
                return rollBack(promoted, "the model promotion failed: " + promoted.errorMessage(), promoted.errorHint());
            }
            PromotionRecord p = promoted.outcome().record();
            done("promote", p.model().replaceAll(".*/", "") + "@" + p.modelVersionId() + ", traffic " + p.trafficSplit());
        } else {
            stages.add(StageResult.skipped("promote", "no model in this release"));
        }

        if (in.serviceGate() != null) {
            URI url = deployed.outcome().serviceUrl() != null ? URI.create(deployed.outcome().serviceUrl())
                    : in.serviceGate().serviceUrl();
            GateInput gate = in.serviceGate().withServiceUrl(url);
            StageRun<GateOutcome> g = stage("gate-service", "smoke", "smoke checks against "
                    + (url != null ? url : "the service"), () -> run.gate(gate));
            recorder.gate("service", g);
            if (!g.succeeded()) {
                return rollBack(g, "the service gate failed: " + g.errorMessage(), g.errorHint());
            }
            done("gate-service", gateLine(g.outcome()));
            recorder.serviceUrl(url == null ? null : url.toString());
        } else {
            stages.add(StageResult.skipped("gate-service", in.deploy() != null ? "the spec gates the endpoint only" : "no service in this release"));
        }

        if (in.vertexGate() != null) {
            String version = promoted.outcome().record().modelVersionId();
            GateInput gate = in.vertexGate().withModelVersion(version);
            StageRun<GateOutcome> g = stage("gate-vertex", "smoke", "smoke checks against the endpoint, answers from version "
                    + version, () -> run.gate(gate));
            recorder.gate("vertex", g);
            if (!g.succeeded()) {
                return rollBack(g, "the endpoint gate failed: " + g.errorMessage(), g.errorHint());
            }
            done("gate-vertex", gateLine(g.outcome()));
        } else {
            stages.add(StageResult.skipped("gate-vertex", in.promote() != null ? "the spec gates the service only" : "no model in this release"));
        }

        if (in.promote() != null) {
            StageRun<PromotionOutcome> s = promotion("shift", "moving all traffic and the prod alias",
                    in.promote().withAction(Action.SHIFT));
            if (!s.succeeded()) {
                // The gates passed: going forward is right. Re-running the release (or mlship promote --shift) resumes.
                return finish(s, "failed", "the gates passed but shifting traffic failed: " + s.errorMessage(),
                        "run the release again (the promotion is reused) or: mlship promote --shift --env " + in.env());
            }
            recorder.modelAfter(s.outcome().record());
            done("shift", "traffic " + s.outcome().record().trafficSplit());
        }
        return finish(null, "released", null, null);
    }

    /** Puts back both the model and the service as far as this release changed them. */
    private ReleaseRecord rollBack(StageRun<?> failed, String reason, String hint) {
        markLast(StageStatus.FAILED);
        progress.step(reason);
        progress.step("rolling back what this release changed");
        List<String> rollbackFailures = new ArrayList<>();
        if (in.promote() != null && promoted.outcome() != null && promoted.outcome().beganPromotion()) {
            StageRun<PromotionOutcome> r = promotion("rollback-model", "restoring the endpoint's traffic split and aliases",
                    in.promote().withAction(Action.ROLLBACK));
            if (r.succeeded()) {
                recorder.modelAfter(r.outcome().record());
                recorder.modelRolledBack();
                done("rollback-model", "traffic " + r.outcome().record().trafficSplit());
            } else {
                rollbackFailures.add("model: " + r.errorMessage());
            }
        } else if (in.promote() != null) {
            stages.add(StageResult.skipped("rollback-model", "the promotion changed nothing"));
        }
        if (in.deploy() != null && deployed.outcome().changes() > 0) {
            StageRun<ServiceRollback> r = stage("rollback-service", "deploy", "restoring the previous Deployment",
                    () -> run.rollBackService(in.deploy()));
            if (r.succeeded()) {
                recorder.serviceRolledBack();
                String restored = r.outcome().restoredImage();
                done("rollback-service", "restored " + (restored != null && !restored.isEmpty() ? restored
                        : "(objects created by this release removed)"));
            } else {
                rollbackFailures.add("service: " + r.errorMessage());
            }
        } else if (in.deploy() != null) {
            stages.add(StageResult.skipped("rollback-service", "the deploy changed nothing"));
        }
        if (!rollbackFailures.isEmpty()) {
            return finish(failed, "rollbackFailed", reason + "; and the rollback failed: " + String.join("; ", rollbackFailures),
                    "a person must look: the release record lists what ran; the failed rollback's output is above");
        }
        return finish(failed, "rolledBack", reason + " (rolled back)", hint);
    }

    private ReleaseRecord finish(StageRun<?> failed, String status, String reason, String hint) {
        Instant end = clock.instant();
        int exit = switch (status) {
            case "released" -> 0;
            case "rolledBack" -> failed != null && failed.exitCode() != 1 ? failed.exitCode() : 1;
            case "rollbackFailed" -> 4;
            default -> failed == null ? 3 : failed.exitCode();
        };
        if (deployed != null && deployed.exitCode() == 1) {
            recorder.serviceRolledBack(); // the deploy stage restored what ran before its failed rollout
        }
        String finalStatus = status.equals("rollbackFailed") ? "failed" : status;
        ReleaseRecord record = recorder.record(finalStatus, exit, reason, hint == null || hint.isEmpty() ? null : hint,
                started, end, seconds(Duration.between(started, end)), imageRef, digest, deployed, promoted,
                List.copyOf(stages));
        try {
            ledger.finished(record);
        } catch (RuntimeException e) {
            // What ran stays as it is: undoing a good release because its note could not be written is worse.
            progress.warn("the release is done but its gate verdict and history line were not kept: " + e.getMessage()
                    + " (a later promoteFrom release will not find it; mlship history will not list it)");
        }
        progress.step(switch (finalStatus) {
            case "released" -> "released in " + fmt(record.seconds()) + " s";
            case "rolledBack" -> "rolled back after " + fmt(record.seconds()) + " s: " + reason;
            default -> "failed after " + fmt(record.seconds()) + " s: " + reason;
        });
        return record;
    }

    /** A promotion step, whose record is saved to the stage's result file at every checkpoint of a long operation. */
    private StageRun<PromotionOutcome> promotion(String name, String what, io.mlship.model.PromotionInput input) {
        Instant at = clock.instant();
        Consumer<PromotionRecord> checkpoint = rec -> {
            if (rec.pendingOperation() != null) {
                files.write(name, "promote", at, java.util.Map.of("environment", in.env(), "promotion", rec),
                        MlshipException.infrastructure("stopped while waiting for " + rec.pendingOperation().what(),
                                "run the same release again: it resumes waiting for operation "
                                        + rec.pendingOperation().name(), null));
            }
        };
        return stage(name, "promote", what, () -> run.promote(input, checkpoint));
    }

    /** Something a stage does, which may fail with any exception. */
    @FunctionalInterface
    private interface Work<O> {
        O call() throws Exception;
    }

    private <O extends StageOutcome> StageRun<O> stage(String name, String command, String what, Work<O> work) {
        int number = (int) stages.stream().filter(s -> s.status() != StageStatus.SKIPPED).count() + 1;
        progress.section("▶ " + name + " (" + number + "/" + Math.max(in.plannedStages(), number) + ", "
                + fmt(seconds(Duration.between(started, clock.instant()))) + " s elapsed): " + what);
        Instant at = clock.instant();
        StageRun<O> r;
        try {
            r = StageRun.of(work.call(), Duration.between(at, clock.instant()));
        } catch (Exception e) {
            r = StageRun.threw(e, Duration.between(at, clock.instant()));
        }
        files.write(name, command, at, r.outcome() == null ? java.util.Map.of("environment", in.env()) : r.outcome().resultFields(),
                r.failure());
        stages.add(new StageResult(name, r.succeeded() ? StageStatus.PASSED : StageStatus.FAILED, at.toString(),
                seconds(r.elapsed()), r.exitCode(), r.succeeded() ? null : r.errorMessage()));
        if (!r.succeeded()) {
            progress.step("✖ " + name + " failed (exit " + r.exitCode() + ") after "
                    + fmt(seconds(r.elapsed())) + " s");
        }
        return r;
    }

    private void done(String name, String outcome) {
        int i = stages.size() - 1;
        StageResult s = stages.get(i);
        stages.set(i, s.with(s.status(), outcome));
        progress.step("✔ " + name + " in " + fmt(s.seconds()) + " s: " + outcome);
    }

    private void markLast(StageStatus status) {
        int i = stages.size() - 1;
        StageResult s = stages.get(i);
        stages.set(i, s.with(status, s.message()));
    }

    private static String gateLine(GateOutcome g) {
        GateResult r = g.result();
        return (r.cases().size() - r.failedCases() - r.casesNotSent()) + "/" + r.cases().size() + " cases, p99 "
                + (r.latency() == null ? "?" : r.latency().p99Ms()) + " ms";
    }

    static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }
}
