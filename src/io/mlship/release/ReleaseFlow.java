package io.mlship.release;

import io.mlship.image.BuildOutcome;
import io.mlship.kube.deploy.CandidateRemoval;
import io.mlship.kube.deploy.CanaryStep;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.model.BlessingJunit;
import io.mlship.model.PromotionInput.Action;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import io.mlship.smoke.GateResult;
import io.mlship.spec.Durations;
import io.mlship.spec.ImageDigest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One release: build → deploy → promote with the canary share → gate the service and the endpoint → shift all
 * traffic and the prod alias. With a service canary ({@code deploy.canary}) the service's part is instead: each
 * step's candidate beside stable, gated → (the model's part) → stable moved to the image that passed → candidate
 * removed; a failure removes the candidate, and stable is never written before every gate passed. A failed rollout
 * or gate puts back both the service and the model as they were before; a stage that changed nothing is not rolled
 * back, so an earlier release's state is never touched. This class decides order and undo and hands each stage
 * what the one before produced; the stages do the work.
 */
public final class ReleaseFlow {
    private final ReleaseInputs in;
    private final ReleaseStages run;
    private final StageFiles files;
    private final Progress progress;
    private final Clock clock;
    private final ReleaseRecorder recorder;
    private final ReleaseLedger ledger;
    private final Pause pause;
    private StageLog log;

    // What the release has done so far, and so what a rollback must undo.
    private ImageDigest digest;
    private String imageRef;
    private StageRun<DeployOutcome> deployed;
    private StageRun<PromotionOutcome> promoted;
    private boolean candidateUp; // a service canary's candidate may hold a share of the host

    public ReleaseFlow(ReleaseInputs in, ReleaseStages stages, StageFiles files, Progress progress, Clock clock) {
        this(in, stages, files, progress, clock, ReleaseLedger.NONE);
    }

    /** {@code ledger} keeps the finished release's gate verdict and journal line. */
    public ReleaseFlow(ReleaseInputs in, ReleaseStages stages, StageFiles files, Progress progress, Clock clock,
                       ReleaseLedger ledger) {
        this(in, stages, files, progress, clock, ledger, d -> Thread.sleep(d.toMillis()));
    }

    /** {@code pause} is how the release waits between a canary step's gate runs. */
    public ReleaseFlow(ReleaseInputs in, ReleaseStages stages, StageFiles files, Progress progress, Clock clock,
                       ReleaseLedger ledger, Pause pause) {
        this.pause = pause;
        this.ledger = ledger;
        this.in = in;
        this.run = stages;
        this.files = files;
        this.progress = progress;
        this.clock = clock;
        this.recorder = new ReleaseRecorder(in);
    }

    public ReleaseRecord run() {
        log = new StageLog(files, progress, clock, in.env(), in.plannedStages());
        digest = in.imageDigest();
        progress.step(in.service() + " → " + in.env() + ": " + in.plannedStages() + " stages");

        if (in.blesses()) {
            // Decided before anything is built or moves traffic (a canary step included): nothing is half-released.
            StageRun<PromotionOutcome> b = promotion("bless", "judging the candidate's metrics against prod's",
                    in.promote().withAction(Action.BLESS));
            recorder.blessing(b.outcome() == null ? null : b.outcome().blessing(), blessingJunit(b));
            if (!b.succeeded()) {
                return finish(b, "failed", b.errorMessage(), b.errorHint());
            }
            io.mlship.model.Blessing judged = b.outcome() == null ? null : b.outcome().blessing();
            log.done("bless", judged == null ? "nothing to judge" : judged.overridden()
                    ? "not blessed; overridden: " + judged.reason() : judged.summary());
        }

        if (in.build() != null) {
            StageRun<BuildOutcome> b = log.run("build", "build", "building the image", () -> run.build(in.build()));
            if (!b.succeeded()) {
                return finish(b, "failed", "the image build failed: " + b.errorMessage(), b.errorHint());
            }
            digest = b.outcome().digest();
            imageRef = b.outcome().imageRef();
            log.done("build", digest.value());
        } else {
            log.skipped("build", digest != null ? "releasing the given image " + digest : "no image in this release");
        }

        boolean canary = in.deploy() != null && !in.canarySteps().isEmpty();
        if (canary) {
            ReleaseRecord stopped = canarySteps();
            if (stopped != null) {
                return stopped;
            }
            canary = candidateUp;
        }
        if (!canary && in.deploy() != null) {
            deployed = log.run("deploy", "deploy", "rolling out " + (digest == null ? "the image" : digest.abbreviated()),
                    () -> run.deploy(in.deploy().withImage(digest)));
            if (!deployed.succeeded()) {
                // The deploy stage restores the previous objects itself when its rollout fails (exit 1).
                boolean restored = deployed.exitCode() == 1;
                if (restored) {
                    log.markLast(StageStatus.ROLLED_BACK);
                }
                return finish(deployed, restored ? "rolledBack" : "failed", "the rollout failed: " + deployed.errorMessage(),
                        deployed.errorHint());
            }
            deployedLine();
        } else if (in.deploy() == null) {
            log.skipped("deploy", "no service in this release");
        }

        if (in.promote() != null) {
            ImageDigest serving = in.servingImageIsService() ? digest : in.promote().imageDigest();
            promoted = promotion("promote", "promoting the model with its canary share",
                    in.promote().withProvenance(serving, in.promote().gitSha(), in.promote().buildUrl()));
            if (!promoted.succeeded()) {
                return rollBack(promoted, "the model promotion failed: " + promoted.errorMessage(), promoted.errorHint());
            }
            PromotionRecord p = promoted.outcome().record();
            log.done("promote", p.model().replaceAll(".*/", "") + "@" + p.modelVersionId() + ", traffic " + p.trafficSplit());
        } else {
            log.skipped("promote", "no model in this release");
        }

        if (canary) {
            // The service's gates ran against the candidate, step by step.
        } else if (in.serviceGate() != null) {
            URI url = deployed.outcome().serviceUrl() != null ? URI.create(deployed.outcome().serviceUrl())
                    : in.serviceGate().serviceUrl();
            GateInput aimed = in.serviceGate().withServiceUrl(url).withImageDigest(digest);
            // A canary's baseline is stable, and its first release had none: nothing to compare with yet.
            GateInput gate = !in.canarySteps().isEmpty() && aimed.baseline() == null && CandidateGate.goldenOn(aimed)
                    ? aimed.withoutGolden("no stable version ran before this first release of the canary") : aimed;
            StageRun<GateOutcome> g = log.run("gate-service", "smoke", "smoke checks against "
                    + (url != null ? url : "the service"), () -> run.gate(gate));
            recorder.gate("service", g);
            if (!g.succeeded()) {
                return rollBack(g, "the service gate failed: " + g.errorMessage(), g.errorHint());
            }
            log.done("gate-service", gateLine(g.outcome()));
            recorder.serviceUrl(url == null ? null : url.toString());
        } else {
            log.skipped("gate-service", in.deploy() != null ? "the spec gates the endpoint only" : "no service in this release");
        }

        if (in.vertexGate() != null) {
            String version = promoted.outcome().record().modelVersionId();
            GateInput gate = in.vertexGate().withModelVersion(version);
            StageRun<GateOutcome> g = log.run("gate-vertex", "smoke", "smoke checks against the endpoint, answers from version "
                    + version, () -> run.gate(gate));
            recorder.gate("vertex", g);
            if (!g.succeeded()) {
                return rollBack(g, "the endpoint gate failed: " + g.errorMessage(), g.errorHint());
            }
            log.done("gate-vertex", gateLine(g.outcome()));
        } else {
            log.skipped("gate-vertex", in.promote() != null ? "the spec gates the service only" : "no model in this release");
        }

        if (canary) {
            ReleaseRecord stopped = moveStable();
            if (stopped != null) {
                return stopped;
            }
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
            log.done("shift", "traffic " + s.outcome().record().trafficSplit());
        }
        return finish(null, "released", null, null);
    }

    /** The blessing's thresholds as JUnit, beside the bless stage's result; null when there is none to write. */
    private String blessingJunit(StageRun<PromotionOutcome> b) {
        if (b.outcome() == null || b.outcome().blessing() == null) {
            return null;
        }
        Path file = files.dir("bless").resolve("blessing-junit.xml");
        try {
            return BlessingJunit.write(b.outcome().blessing(), file).toString();
        } catch (java.io.IOException e) {
            progress.warn("the blessing's JUnit file " + file + " could not be written: " + e.getMessage());
            return null;
        }
    }

    private void deployedLine() {
        DeployOutcome d = deployed.outcome();
        imageRef = d.image();
        log.done("deploy", "revision " + d.revision() + (d.changes() > 0 ? "" : " (already running: nothing changed)"));
    }

    /**
     * The service canary: per step, the candidate beside stable with the step's share of the host, then its gate.
     * Stable is not written here. Null when every step passed, or when no stable version runs yet (then the
     * candidate is not up, and the release rolls out in place); else the release's record, rolled back.
     */
    private ReleaseRecord canarySteps() {
        DeployInput candidate = in.deploy().withImage(digest);
        for (int percent : in.canarySteps()) {
            candidateUp = true; // from the first write on, the candidate may hold a share: a failure removes it
            String name = "canary-" + percent;
            StageRun<CanaryStep> step = log.run(name, "deploy", "candidate " + (digest == null ? "" : digest.abbreviated() + " ")
                    + "beside stable with " + percent + "% of the host", () -> run.canaryStep(candidate, percent));
            if (step.succeeded() && !step.outcome().stableRuns()) {
                candidateUp = false; // nothing was written
                log.markLast(StageStatus.SKIPPED);
                log.done(name, "no stable version runs yet: this first release rolls out in place");
                return null;
            }
            if (!step.succeeded()) {
                return rollBack(step, "the candidate's rollout at " + percent + "% failed: " + step.errorMessage(), step.errorHint());
            }
            imageRef = step.outcome().deploy().image();
            log.done(name, percent + "% of the host to " + step.outcome().candidate());
            if (in.serviceGate() == null) {
                continue;
            }
            int runs = in.canaryAnalysis().iterations();
            for (int i = 1; i <= runs; i++) {
                String gateName = "gate-service-" + percent + (runs == 1 ? "" : "-" + i);
                GateInput gate = CandidateGate.of(in.serviceGate(), in.deploy(), step.outcome(), digest, gateName);
                Duration wait = i == 1 ? Duration.ZERO : in.canaryAnalysis().interval();
                StageRun<GateOutcome> g = log.run(gateName, "smoke", (wait.isZero() ? "" : "after " + Durations.format(wait)
                        + " more at " + percent + "% (run " + i + " of " + runs + "), ") + "smoke checks against the candidate at "
                        + gate.serviceUrl() + (gate.baseline() == null ? "" : ", answers compared with stable's"), () -> {
                            pause.pause(wait); // the candidate serves its share under watch meanwhile
                            return run.gate(gate);
                        });
                recorder.gate("service-canary-" + percent + (runs == 1 ? "" : "-" + i), g);
                if (!g.succeeded()) {
                    return rollBack(g, "the candidate's gate at " + percent + "% failed" + (runs == 1 ? "" : " (run " + i
                            + " of " + runs + ")") + ": " + g.errorMessage(), g.errorHint());
                }
                log.done(gateName, gateLine(g.outcome()));
            }
        }
        return null;
    }

    /** The candidate passed: stable moves to its image, then the candidate's share comes back and it goes. */
    private ReleaseRecord moveStable() {
        deployed = log.run("deploy", "deploy", "moving stable to " + (digest == null ? "the candidate's image" : digest.abbreviated()),
                () -> run.deploy(in.deploy().withImage(digest)));
        if (!deployed.succeeded()) {
            return rollBack(deployed, "the candidate passed but stable's rollout failed: " + deployed.errorMessage(),
                    deployed.errorHint());
        }
        deployedLine();
        StageRun<CandidateRemoval> r = log.run("remove-candidate", "deploy", "all of the host back to stable, the candidate removed",
                () -> run.removeCandidate(in.deploy()));
        if (!r.succeeded()) {
            // Stable already runs what passed; the candidate runs the same image. Going forward is right.
            return finish(r, "failed", "stable runs the new image but removing the candidate failed: " + r.errorMessage(),
                    "run the same release again: it finds stable up to date and removes the candidate");
        }
        candidateUp = false;
        log.done("remove-candidate", r.outcome().removed().isEmpty() ? "nothing left to remove"
                : "removed " + String.join(", ", r.outcome().removed()));
        return null;
    }

    /** Puts back both the model and the service as far as this release changed them. */
    private ReleaseRecord rollBack(StageRun<?> failed, String reason, String hint) {
        // A failed rollout of stable was undone by the deploy stage itself (exit 1).
        log.markLast(failed == deployed && deployed.exitCode() == 1 ? StageStatus.ROLLED_BACK : StageStatus.FAILED);
        progress.step(reason);
        progress.step("rolling back what this release changed");
        List<String> rollbackFailures = new ArrayList<>();
        if (candidateUp) {
            StageRun<CandidateRemoval> r = log.run("remove-candidate", "deploy", "taking the candidate's share back and removing it",
                    () -> run.removeCandidate(in.deploy()));
            if (r.succeeded()) {
                candidateUp = false;
                log.done("remove-candidate", r.outcome().removed().isEmpty() ? "nothing left to remove"
                        : "removed " + String.join(", ", r.outcome().removed()));
            } else {
                rollbackFailures.add("candidate: " + r.errorMessage());
            }
        }
        if (in.promote() != null && promoted != null && promoted.outcome() != null && promoted.outcome().beganPromotion()) {
            StageRun<PromotionOutcome> r = promotion("rollback-model", "restoring the endpoint's traffic split and aliases",
                    in.promote().withAction(Action.ROLLBACK));
            if (r.succeeded()) {
                recorder.modelAfter(r.outcome().record());
                recorder.modelRolledBack();
                log.done("rollback-model", "traffic " + r.outcome().record().trafficSplit());
            } else {
                rollbackFailures.add("model: " + r.errorMessage());
            }
        } else if (in.promote() != null) {
            log.skipped("rollback-model", promoted == null ? "the model was not promoted yet"
                    : "the promotion changed nothing");
        }
        if (in.deploy() != null && deployed != null && deployed.exitCode() == 1) {
            log.skipped("rollback-service", "the deploy restored the previous objects itself");
        } else if (in.deploy() != null && deployed != null && deployed.outcome() != null && deployed.outcome().changes() > 0) {
            StageRun<ServiceRollback> r = log.run("rollback-service", "deploy", "restoring the previous Deployment",
                    () -> run.rollBackService(in.deploy()));
            if (r.succeeded()) {
                recorder.serviceRolledBack();
                String restored = r.outcome().restoredImage();
                log.done("rollback-service", "restored " + (restored != null && !restored.isEmpty() ? restored
                        : "(objects created by this release removed)"));
            } else {
                rollbackFailures.add("service: " + r.errorMessage());
            }
        } else if (in.deploy() != null) {
            log.skipped("rollback-service", deployed == null
                    ? "stable was never changed: the candidate ran beside it" : "the deploy changed nothing");
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
                log.started(), end, StageLog.seconds(Duration.between(log.started(), end)), imageRef, digest, deployed, promoted,
                log.all());
        try {
            ledger.finished(record);
        } catch (RuntimeException e) {
            // What ran stays as it is: undoing a good release because its note could not be written is worse.
            progress.warn("the release is done but its gate verdict and history line were not kept: " + e.getMessage()
                    + " (a later promoteFrom release will not find it; mlship history will not list it)");
        }
        progress.step(switch (finalStatus) {
            case "released" -> "released in " + StageLog.fmt(record.seconds()) + " s";
            case "rolledBack" -> "rolled back after " + StageLog.fmt(record.seconds()) + " s: " + reason;
            default -> "failed after " + StageLog.fmt(record.seconds()) + " s: " + reason;
        });
        return record;
    }

    /** A promotion step, whose record is saved to the stage's result file at every checkpoint of a long operation. */
    private StageRun<PromotionOutcome> promotion(String name, String what, io.mlship.model.PromotionInput input) {
        Instant at = clock.instant();
        Consumer<PromotionRecord> checkpoint = rec -> {
            if (rec.pendingOperation() != null) {
                files.write(name, "promote", at, Map.of("environment", in.env(), "promotion", rec),
                        MlshipException.infrastructure("stopped while waiting for " + rec.pendingOperation().what(),
                                "run the same release again: it resumes waiting for operation "
                                        + rec.pendingOperation().name(), null));
            }
        };
        return log.run(name, "promote", what, () -> run.promote(input, checkpoint));
    }

    private static String gateLine(GateOutcome g) {
        GateResult r = g.result();
        return (r.cases().size() - r.failedCases() - r.casesNotSent()) + "/" + r.cases().size() + " cases, p99 "
                + (r.latency() == null ? "?" : r.latency().p99Ms()) + " ms";
    }

    /** Waits, as the release does between a canary step's gate runs; tests pass one that only counts. */
    @FunctionalInterface
    public interface Pause {
        void pause(Duration d) throws InterruptedException;
    }
}
