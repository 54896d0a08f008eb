package io.mlship.release;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One release: build → deploy → promote with the canary share → gate the service and the endpoint → shift all
 * traffic and the prod alias. A failed rollout or gate puts back both the service and the model as they were
 * before; a stage that changed nothing is not rolled back, so an earlier release's state is never touched.
 * Each stage is an mlship command (see {@link CommandInvoker}); this class decides order and undo.
 */
public final class ReleaseFlow {
    private final ReleaseInputs in;
    private final CommandInvoker invoker;
    private final ServiceLocator serviceLocator;
    private final PrintStream log;
    private final Clock clock;
    private final List<StageResult> stages = new ArrayList<>();
    private final List<ReleaseRecord.Gate> gates = new ArrayList<>();
    private final int plannedStages;
    private Instant started;

    // What the release has done so far, and so what a rollback must undo.
    private String digest;
    private String imageRef;
    private Invocation deployed;
    private boolean serviceChanged;
    private Invocation promoted;
    private boolean modelChanged;
    private Invocation shifted;
    private String serviceUrl;

    public ReleaseFlow(ReleaseInputs in, CommandInvoker invoker, ServiceLocator serviceLocator, PrintStream log, Clock clock) {
        this.in = in;
        this.invoker = invoker;
        this.serviceLocator = serviceLocator;
        this.log = log;
        this.clock = clock;
        this.plannedStages = (in.build() ? 1 : 0) + (in.deploy() ? 1 : 0) + (in.promote() ? 2 : 0)
                + (in.gateService() ? 1 : 0) + (in.gateVertex() ? 1 : 0);
    }

    public ReleaseRecord run() {
        started = clock.instant();
        digest = in.imageDigest();
        log.println("[mlship release] " + in.service() + " → " + in.env() + ": " + plannedStages + " stages"
                + (in.sandbox() != null ? " on the sandbox " + in.sandbox() : ""));

        if (in.build()) {
            Invocation b = stage("build", "building the image", buildArgs());
            if (!b.succeeded()) {
                return finish(b, "failed", "the image build failed: " + b.errorMessage(), b.errorHint());
            }
            digest = b.text("digest");
            imageRef = b.text("imageRef");
            done("build", b, digest);
        } else {
            stages.add(StageResult.skipped("build", digest != null ? "releasing the given image " + digest : "no image in this release"));
        }

        if (in.deploy()) {
            Invocation d = stage("deploy", "rolling out " + shortDigest(digest), deployArgs());
            deployed = d;
            if (!d.succeeded()) {
                // mlship deploy restores the previous objects itself when its rollout fails (exit 1).
                String status = d.exitCode() == 1 ? "rolledBack" : "failed";
                if (d.exitCode() == 1) {
                    markLast(StageStatus.ROLLED_BACK);
                }
                return finish(d, status, "the rollout failed: " + d.errorMessage(), d.errorHint());
            }
            serviceChanged = d.result().path("changes").asInt(0) > 0;
            imageRef = d.text("image");
            done("deploy", d, "revision " + d.text("revision") + (serviceChanged ? "" : " (already running: nothing changed)"));
        } else {
            stages.add(StageResult.skipped("deploy", "no service in this release"));
        }

        if (in.promote()) {
            Invocation p = stage("promote", "promoting the model with its canary share", promoteArgs());
            promoted = p;
            modelChanged = p.result() != null && "promote".equals(p.result().path("promotion").path("action").asText());
            if (!p.succeeded()) {
                return rollBack(p, "the model promotion failed: " + p.errorMessage(), p.errorHint());
            }
            done("promote", p, p.text("model").replaceAll(".*/", "") + "@" + p.text("modelVersionId") + ", traffic "
                    + p.result().path("trafficSplit"));
        } else {
            stages.add(StageResult.skipped("promote", "no model in this release"));
        }

        if (in.gateService()) {
            serviceUrl = serviceLocator.url().orElse(null);
            Invocation g = stage("gate-service", "smoke checks against " + (serviceUrl != null ? serviceUrl : "the service"),
                    gateServiceArgs());
            gates.add(gate("service", g));
            if (!g.succeeded()) {
                return rollBack(g, "the service gate failed: " + g.errorMessage(), g.errorHint());
            }
            done("gate-service", g, gateLine(g));
        } else {
            stages.add(StageResult.skipped("gate-service", in.deploy() ? "the spec gates the endpoint only" : "no service in this release"));
        }

        if (in.gateVertex()) {
            Invocation g = stage("gate-vertex", "smoke checks against the endpoint, answers from version "
                    + promoted.text("modelVersionId"), gateVertexArgs());
            gates.add(gate("vertex", g));
            if (!g.succeeded()) {
                return rollBack(g, "the endpoint gate failed: " + g.errorMessage(), g.errorHint());
            }
            done("gate-vertex", g, gateLine(g));
        } else {
            stages.add(StageResult.skipped("gate-vertex", in.promote() ? "the spec gates the service only" : "no model in this release"));
        }

        if (in.promote()) {
            Invocation s = stage("shift", "moving all traffic and the prod alias", shiftArgs());
            shifted = s;
            if (!s.succeeded()) {
                // The gates passed: going forward is right. Re-running the release (or mlship promote --shift) resumes.
                return finish(s, "failed", "the gates passed but shifting traffic failed: " + s.errorMessage(),
                        "run the release again (the promotion is reused) or: mlship promote --shift --env " + in.env());
            }
            done("shift", s, "traffic " + s.result().path("trafficSplit"));
        }
        return finish(null, "released", null, null);
    }

    /** Puts back both the model and the service as far as this release changed them. */
    private ReleaseRecord rollBack(Invocation failed, String reason, String hint) {
        markLast(StageStatus.FAILED);
        log.println("[mlship release] " + reason);
        log.println("[mlship release] rolling back what this release changed");
        boolean modelBack = false;
        boolean serviceBack = false;
        List<String> rollbackFailures = new ArrayList<>();
        if (in.promote() && modelChanged) {
            Invocation r = stage("rollback-model", "restoring the endpoint's traffic split and aliases", rollbackModelArgs());
            modelBack = r.succeeded();
            if (modelBack) {
                done("rollback-model", r, "traffic " + r.result().path("trafficSplit"));
            } else {
                rollbackFailures.add("model: " + r.errorMessage());
            }
        } else if (in.promote()) {
            stages.add(StageResult.skipped("rollback-model", "the promotion changed nothing"));
        }
        if (in.deploy() && serviceChanged) {
            Invocation r = stage("rollback-service", "restoring the previous Deployment", rollbackServiceArgs());
            serviceBack = r.succeeded();
            if (serviceBack) {
                done("rollback-service", r, "restored " + Optional.ofNullable(r.text("restoredImage")).filter(s -> !s.isEmpty())
                        .orElse("(objects created by this release removed)"));
            } else {
                rollbackFailures.add("service: " + r.errorMessage());
            }
        } else if (in.deploy()) {
            stages.add(StageResult.skipped("rollback-service", "the deploy changed nothing"));
        }
        if (!rollbackFailures.isEmpty()) {
            return finish(failed, "rollbackFailed", reason + "; and the rollback failed: " + String.join("; ", rollbackFailures),
                    "a person must look: the release record lists what ran; the failed rollback's output is above");
        }
        return finish(failed, "rolledBack", reason + " (rolled back)", hint);
    }

    private ReleaseRecord finish(Invocation failed, String status, String reason, String hint) {
        Instant end = clock.instant();
        int exit = switch (status) {
            case "released" -> 0;
            case "rolledBack" -> failed != null && failed.exitCode() != 1 ? failed.exitCode() : 1;
            case "rollbackFailed" -> 4;
            default -> failed == null ? 3 : failed.exitCode();
        };
        ReleaseRecord.Service service = deployed == null || !deployed.succeeded() && deployed.exitCode() != 1 ? null
                : new ReleaseRecord.Service(deployed.text("namespace"), deployed.text("revision"),
                nullIfEmpty(deployed.text("previousRevision")), serviceUrl, deployed.result().path("changes").asInt(0));
        ReleaseRecord.Model model = promoted == null || promoted.result() == null ? null : modelPart();
        String finalStatus = status.equals("rollbackFailed") ? "failed" : status;
        ReleaseRecord record = new ReleaseRecord(in.service(), in.env(), finalStatus, exit, reason, nullIfEmpty(hint),
                started.toString(), end.toString(), seconds(Duration.between(started, end)), in.approvedBy(), in.gitSha(),
                in.buildUrl(), imageRef, digest, service, model, List.copyOf(gates), List.copyOf(stages),
                new ReleaseRecord.RolledBack(stages.stream().anyMatch(s -> s.name().equals("rollback-service") && s.status() == StageStatus.PASSED)
                        || deployed != null && deployed.exitCode() == 1,
                        stages.stream().anyMatch(s -> s.name().equals("rollback-model") && s.status() == StageStatus.PASSED)));
        log.println("[mlship release] " + switch (finalStatus) {
            case "released" -> "released in " + fmt(record.seconds()) + " s";
            case "rolledBack" -> "rolled back after " + fmt(record.seconds()) + " s: " + reason;
            default -> "failed after " + fmt(record.seconds()) + " s: " + reason;
        });
        return record;
    }

    private ReleaseRecord.Model modelPart() {
        JsonNode p = promoted.result();
        JsonNode promotion = p.path("promotion");
        JsonNode before = promotion.path("before");
        JsonNode after = shifted != null && shifted.succeeded() ? shifted.result() : p;
        Invocation rolledBackModel = stages.stream().filter(s -> s.name().equals("rollback-model") && s.invocation() != null)
                .map(StageResult::invocation).findFirst().orElse(null);
        if (rolledBackModel != null && rolledBackModel.succeeded()) {
            after = rolledBackModel.result();
        }
        return new ReleaseRecord.Model(nullIfEmpty(p.path("model").asText()), nullIfEmpty(p.path("modelVersionId").asText()),
                p.path("reused").asBoolean(), nullIfEmpty(p.path("endpoint").asText()),
                nullIfEmpty(promotion.path("artifacts").asText()), nullIfEmpty(p.path("artifactDigest").asText()),
                node(before.get("aliases")), node(after.get("aliases")), node(before.get("trafficSplit")), node(after.get("trafficSplit")));
    }

    private static JsonNode node(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    private Invocation stage(String name, String what, List<String> args) {
        int number = (int) stages.stream().filter(s -> s.status() != StageStatus.SKIPPED).count() + 1;
        log.println();
        log.println("[mlship release] ▶ " + name + " (" + number + "/" + Math.max(plannedStages, number) + ", "
                + fmt(seconds(Duration.between(started, clock.instant()))) + " s elapsed): " + what);
        Instant at = clock.instant();
        Invocation inv = invoker.run(name, args);
        StageStatus status = inv.succeeded() ? StageStatus.PASSED : StageStatus.FAILED;
        stages.add(new StageResult(name, status, at.toString(), seconds(inv.elapsed()), inv.exitCode(),
                inv.succeeded() ? null : inv.errorMessage(), inv));
        if (!inv.succeeded()) {
            log.println("[mlship release] ✖ " + name + " failed (exit " + inv.exitCode() + ") after "
                    + fmt(seconds(inv.elapsed())) + " s");
        }
        return inv;
    }

    private void done(String name, Invocation inv, String outcome) {
        int i = stages.size() - 1;
        StageResult s = stages.get(i);
        stages.set(i, s.with(s.status(), outcome));
        log.println("[mlship release] ✔ " + name + " in " + fmt(s.seconds()) + " s: " + outcome);
    }

    private void markLast(StageStatus status) {
        int i = stages.size() - 1;
        StageResult s = stages.get(i);
        stages.set(i, s.with(status, s.message()));
    }

    private ReleaseRecord.Gate gate(String name, Invocation g) {
        JsonNode r = g.result();
        if (r == null) {
            return new ReleaseRecord.Gate(name, "error", null, null, null, null, null, null, null, null);
        }
        String verdict = r.hasNonNull("verdict") ? r.get("verdict").asText() : "error";
        return new ReleaseRecord.Gate(name, verdict, nullIfEmpty(r.path("target").asText()),
                nullIfEmpty(r.path("modelVersionId").asText()), node(r.get("cases")), node(r.get("failures")),
                node(r.get("latency")), node(r.get("thresholds")), nullIfEmpty(r.path("junitFile").asText()),
                nullIfEmpty(r.path("reportFile").asText()));
    }

    private static String gateLine(Invocation g) {
        JsonNode r = g.result();
        return r.path("cases").path("passed").asInt() + "/" + r.path("cases").path("total").asInt() + " cases, p99 "
                + r.path("latency").path("p99Ms").asText("?") + " ms";
    }

    // ---- the arguments of each stage's command ----

    private List<String> buildArgs() {
        List<String> a = in.common("build", "build");
        opt(a, "--tar", in.tar());
        opt(a, "--base-image", in.baseImage());
        if (in.allowInsecureRegistry()) {
            a.add("--allow-insecure-registry=true");
        }
        opt(a, "--git-sha", in.gitSha());
        opt(a, "--build-url", in.buildUrl());
        return a;
    }

    private List<String> deployArgs() {
        List<String> a = in.common("deploy", "deploy");
        opt(a, "--image-digest", digest);
        cluster(a);
        opt(a, "--git-sha", in.gitSha());
        return a;
    }

    private List<String> promoteArgs() {
        List<String> a = in.common("promote", "promote");
        opt(a, "--model-version", in.modelVersion());
        opt(a, "--artifacts", in.artifacts());
        opt(a, "--canary", in.canary());
        if (in.servingImageIsService()) {
            opt(a, "--image-digest", digest);
        }
        opt(a, "--sandbox", in.sandbox());
        opt(a, "--git-sha", in.gitSha());
        opt(a, "--build-url", in.buildUrl());
        opt(a, "--timeout", in.timeout());
        return a;
    }

    private List<String> gateServiceArgs() {
        List<String> a = in.common("smoke", "gate-service");
        opt(a, "--target", serviceUrl);
        opt(a, "--cases", in.cases());
        opt(a, "--baseline", in.baseline());
        return a;
    }

    private List<String> gateVertexArgs() {
        List<String> a = in.common("smoke", "gate-vertex");
        a.add("--target");
        a.add("vertex");
        opt(a, "--cases", in.predictionCases());
        opt(a, "--model-version-id", promoted.text("modelVersionId"));
        a.add("--canary=true"); // the candidate serves its canary share while it is gated
        opt(a, "--sandbox", in.sandbox());
        return a;
    }

    private List<String> shiftArgs() {
        List<String> a = in.common("promote", "shift");
        a.add("--shift=true");
        opt(a, "--sandbox", in.sandbox());
        opt(a, "--timeout", in.timeout());
        return a;
    }

    private List<String> rollbackModelArgs() {
        List<String> a = in.common("promote", "rollback-model");
        a.add("--rollback=true");
        opt(a, "--sandbox", in.sandbox());
        opt(a, "--timeout", in.timeout());
        return a;
    }

    private List<String> rollbackServiceArgs() {
        List<String> a = in.common("deploy", "rollback-service");
        a.add("--rollback=true");
        cluster(a);
        return a;
    }

    private void cluster(List<String> a) {
        opt(a, "--kubeconfig", in.kubeconfig());
        opt(a, "--context", in.kubeContext());
    }

    private static void opt(List<String> a, String name, Object value) {
        if (value != null && !value.toString().isEmpty()) {
            a.add(name);
            a.add(value.toString());
        }
    }

    private static String nullIfEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static String shortDigest(String d) {
        return d == null ? "the image" : d.length() > 19 ? d.substring(0, 19) + "…" : d;
    }

    static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }
}
