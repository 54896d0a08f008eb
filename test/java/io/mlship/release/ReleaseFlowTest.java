package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.cli.ConsoleProgress;
import io.mlship.image.BuildInput;
import io.mlship.image.BuildOutcome;
import io.mlship.image.BuiltImage;
import io.mlship.kube.apply.Plan;
import io.mlship.kube.deploy.CandidateRemoval;
import io.mlship.kube.deploy.CanaryStep;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.DeployReport;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.model.Blessing;
import io.mlship.model.EndpointSnapshot;
import io.mlship.model.PromotionInput;
import io.mlship.model.PromotionInput.Action;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import io.mlship.result.ResultFile;
import io.mlship.smoke.CaseResult;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import io.mlship.smoke.GateResult;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.load.LatencySummary;
import io.mlship.smoke.targets.Response;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.SpecLoader;
import io.mlship.spec.TrafficShare;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order of a release's stages, what each hands the next and what is undone when one fails, with the stages
 * scripted: each answers a typed outcome, or fails as the real one would.
 */
class ReleaseFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ImageDigest BUILT = new ImageDigest("sha256:" + "ab".repeat(32));
    private static final ImageDigest GIVEN = new ImageDigest("sha256:" + "cd".repeat(32));
    private static final EnvironmentView STAGING = EnvironmentView.of(
            new SpecLoader(JSON).load(Path.of("examples/reco-service/mlship.yaml"), null), "staging");

    @TempDir
    Path work;

    private final List<String> ran = new ArrayList<>();
    private final Map<String, Object> inputOf = new HashMap<>();
    private final Map<String, MlshipException> failing = new HashMap<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private int deployChanges = 3;
    private EnvironmentView view = STAGING;
    private boolean stableRuns = true;
    private static final String CANDIDATE_URL = "http://127.0.0.1:7";
    private static final String STABLE_URL = "http://127.0.0.1:9";
    private boolean promotionBegan = true;

    /** The scripted stages: they record what they were given and answer like the real ones. */
    private final class Scripted implements ReleaseStages {
        @Override
        public BuildOutcome build(BuildInput in) {
            step("build", in);
            return new BuildOutcome("staging", "reg/repo", List.of("git-abc"), "scratch", "sha256:spec", List.of(),
                    new BuiltImage(BUILT.value(), "id", "reg/repo", List.of("git-abc"), List.of(), 10, null), true, Map.of(), null);
        }

        @Override
        public DeployOutcome deploy(DeployInput in) {
            step("deploy", in);
            List<String> changed = java.util.stream.IntStream.range(0, deployChanges).mapToObj(i -> "Object/" + i).toList();
            DeployReport report = new DeployReport(new Plan("reco", List.of(), Map.of(), Map.of()), false, null, "2", "1",
                    Duration.ofSeconds(1), null);
            return new DeployOutcome("staging", "reco", "reg/repo@" + in.imageDigest(), "ctx", "r-1", List.of(), changed,
                    report, "http://127.0.0.1:9", null, failing.get("deploy"));
        }

        @Override
        public ServiceRollback rollBackService(DeployInput in) {
            step("rollback-service", in);
            return new ServiceRollback("staging", "reco", "reg/repo@" + BUILT, "reg/repo@sha256:old", "ctx");
        }

        @Override
        public CanaryStep canaryStep(DeployInput in, int percent) {
            step("canary-" + percent, in);
            DeployReport report = new DeployReport(new Plan("reco", List.of(), Map.of(), Map.of()), false, null, "1", null,
                    Duration.ofSeconds(1), null);
            return new CanaryStep(percent, "reco-service-canary", stableRuns, new DeployOutcome("staging", "reco", "reg/repo@" + in.imageDigest(),
                    "ctx", null, List.of(), List.of("Deployment/reco-service-canary"), report, CANDIDATE_URL, null,
                    failing.get("canary-" + percent)), STABLE_URL);
        }

        @Override
        public CandidateRemoval removeCandidate(DeployInput in) {
            step("remove-candidate", in);
            return new CandidateRemoval("staging", "reco", "reco-service-canary", List.of("Deployment/reco-service-canary"));
        }

        @Override
        public PromotionOutcome promote(PromotionInput in, Consumer<PromotionRecord> checkpoint) {
            String name = switch (in.action()) {
                case SHIFT -> "shift";
                case ROLLBACK -> "rollback-model";
                case BLESS -> "bless";
                default -> "promote";
            };
            step(name, in);
            if (in.action() == Action.BLESS) {
                boolean blessed = !failing.containsKey("bless");
                Blessing b = new Blessing(blessed, "gs://b/v2/metrics.json", "1", List.of(new Blessing.Metric("ndcg@10",
                        blessed ? 0.9 : 0.1, 0.89, blessed ? 0.01 : -0.79)), List.of(new Blessing.Threshold(
                        "ndcg@10 >= prod - 0.03", blessed, blessed ? "0.9 >= 0.86" : "0.1 is not >= 0.86", null)),
                        false, null, null);
                return new PromotionOutcome("staging", in.action(), null, null, failing.get(name), b);
            }
            EndpointSnapshot before = new EndpointSnapshot(Map.of("a", 100), Map.of("a", "1"), Map.of("1", List.of("default", "prod")));
            PromotionRecord rec = switch (in.action()) {
                case SHIFT -> record("shift", Map.of("b", 100), Map.of("1", List.of("default"), "2", List.of("candidate", "prod")), before);
                case ROLLBACK -> record("rollback", Map.of("a", 100), Map.of("1", List.of("default", "prod")), before);
                default -> promotionBegan ? record("promote", Map.of("a", 90, "b", 10), Map.of("1", List.of("default", "prod")), before) : null;
            };
            return new PromotionOutcome("staging", in.action(), rec, null, failing.get(name));
        }

        @Override
        public GateOutcome gate(GateInput in) {
            String name = in.vertex() ? "gate-vertex" : in.resultFile().getParent().getFileName().toString();
            step(name, in);
            boolean pass = !failing.containsKey(name);
            return new GateOutcome("staging", Path.of("cases.yaml"), in.modelVersion(), gateResult(pass), in.junitFile(),
                    in.reportFile(), in.resultFile());
        }

        private void step(String name, Object input) {
            ran.add(name);
            inputOf.put(name, input);
            MlshipException thrown = failing.get(name);
            if (thrown != null && (name.startsWith("rollback-service") || name.equals("build"))) {
                throw thrown;
            }
        }
    }

    private static PromotionRecord record(String action, Map<String, Integer> split, Map<String, List<String>> aliases,
                                          EndpointSnapshot before) {
        return new PromotionRecord(action, "projects/p/locations/r/models/reco-ranker", "2", "gs://b/v2/", "sha256:art",
                false, "e/reco", "b", split, aliases, before, List.of(), null);
    }

    private static GateResult gateResult(boolean pass) {
        List<CaseResult> cases = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SmokeCase c = new SmokeCase("case " + i, new SmokeRequest.PredictCall(JSON.createArrayNode(), null), List.of(),
                    200, "cases.yaml", i + 1);
            cases.add(new CaseResult(c, Response.failed("scripted", 1_000), !pass && i == 3
                    ? List.of(new Mismatch("$.products[0]", "lipstick", "face wash")) : List.of()));
        }
        return new GateResult("t", cases, new LatencySummary(40, 2.0, 5.0, 9.0, 10.0, 3.0, List.of()), "cases", null,
                List.of(), null);
    }

    private void fail(String stage, ErrorCategory category, String message) {
        failing.put(stage, new MlshipException(category, message, "scripted hint"));
    }

    private ReleaseRecord release(boolean build, boolean deploy, boolean promote, boolean gateService, boolean gateVertex) {
        Path state = work.resolve("state");
        BuildInput buildIn = build ? BuildInput.of(view, work, work.resolve("cache")) : null;
        DeployInput deployIn = deploy ? DeployInput.of(view, build ? null : GIVEN, state.resolve("deploy.json"))
                .withCluster("kc", "ctx") : null;
        PromotionInput promoteIn = promote ? PromotionInput.of(view, Action.PROMOTE, state.resolve("promote.json"))
                .withModel(null, "v2", new TrafficShare(10)).withProvenance(build ? null : GIVEN, null, null) : null;
        GateInput service = gateService ? gate(false) : null;
        GateInput vertex = gateVertex ? gate(true) : null;
        ReleaseInputs in = new ReleaseInputs("reco-service", "staging", "ana", null, null, build ? null : GIVEN, buildIn,
                deployIn, promoteIn, service, vertex, true, null, null);
        StageFiles files = new StageFiles(new ResultFile(JSON), "test", work.resolve("release"));
        return new ReleaseFlow(in, new Scripted(), files,
                ConsoleProgress.forStage(new PrintStream(console, true, StandardCharsets.UTF_8), "release"), Clock.systemUTC(),
                ReleaseLedger.NONE, paused::add).run();
    }

    private GateInput gate(boolean vertex) {
        Path dir = work.resolve(vertex ? "gate-vertex" : "gate-service");
        return new GateInput(view, vertex, vertex ? null : URI.create("https://reco.internal.example.com"),
                Path.of("cases.yaml"), null, null, vertex ? 100 : 1, dir.resolve("j.xml"), dir.resolve("r.html"),
                dir.resolve("smoke.json"));
    }

    @Test
    void happyPathRunsEveryStageInOrderAndHandsOnTypedValues() throws Exception {
        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "deploy", "promote", "gate-service", "gate-vertex", "shift");
        assertThat(r.status()).isEqualTo("released");
        assertThat(r.exitCode()).isZero();
        assertThat(((DeployInput) inputOf.get("deploy")).imageDigest()).isEqualTo(BUILT);
        assertThat(((DeployInput) inputOf.get("deploy")).kubeconfig()).isEqualTo("kc");
        PromotionInput promoted = (PromotionInput) inputOf.get("promote");
        assertThat(promoted.imageDigest()).as("the model is served from the image just built").isEqualTo(BUILT);
        assertThat(promoted.canary()).isEqualTo(new TrafficShare(10));
        assertThat(((GateInput) inputOf.get("gate-service")).serviceUrl()).as("where the deploy says the service answers")
                .isEqualTo(URI.create("http://127.0.0.1:9"));
        assertThat(((GateInput) inputOf.get("gate-vertex")).modelVersion()).as("the version just promoted").isEqualTo("2");
        assertThat(((PromotionInput) inputOf.get("shift")).action()).isEqualTo(Action.SHIFT);
        assertThat(r.model().aliasesBefore().toString()).contains("prod");
        assertThat(r.model().trafficAfter().toString()).isEqualTo("{\"b\":100}");
        assertThat(r.gates()).extracting(ReleaseRecord.Gate::verdict).containsExactly("passed", "passed");
        assertThat(r.gates().get(0).latency().path("p99Ms").asDouble()).isEqualTo(9.0);
        assertThat(r.junitFiles()).hasSize(3);
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(false, false));
        assertThat(r.deployed().url()).isEqualTo("http://127.0.0.1:9");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("▶ deploy (3/7").contains("released in")
                .contains("✔ gate-vertex in").contains("4/4 cases, p99 9.0 ms");
        // Each stage keeps the result file the command alone would write.
        assertThat(JSON.readTree(work.resolve("release/deploy/deploy.json").toFile()).path("revision").asText()).isEqualTo("2");
        assertThat(JSON.readTree(work.resolve("release/shift/promote.json").toFile()).path("action").asText()).isEqualTo("shift");
        assertThat(JSON.readTree(work.resolve("release/gate-vertex/smoke.json").toFile()).path("verdict").asText()).isEqualTo("passed");
    }

    @Test
    void failedEndpointGateRollsBackModelAndServiceAndNeverShifts() throws Exception {
        fail("gate-vertex", ErrorCategory.GATE_FAILED, "1 of 4 cases failed");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "deploy", "promote", "gate-service", "gate-vertex", "rollback-model", "rollback-service");
        assertThat(r.status()).isEqualTo("rolledBack");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.reason()).contains("endpoint gate failed").contains("1 of 4 cases failed (first: 'case 3'");
        assertThat(((PromotionInput) inputOf.get("rollback-model")).action()).isEqualTo(Action.ROLLBACK);
        assertThat(((DeployInput) inputOf.get("rollback-service")).kubeContext()).isEqualTo("ctx");
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(true, true));
        assertThat(r.model().trafficAfter().toString()).isEqualTo("{\"a\":100}");
        assertThat(r.stages()).filteredOn(s -> s.name().equals("gate-vertex")).extracting(StageResult::status)
                .containsExactly(StageStatus.FAILED);
        JsonResult gate = new JsonResult(work.resolve("release/gate-vertex/smoke.json"));
        assertThat(gate.exitCode()).isEqualTo(1);
        assertThat(gate.category()).isEqualTo("gateFailed");
    }

    @Test
    void failedRolloutIsUndoneByDeployItselfAndTheModelIsNeverTouched() {
        fail("deploy", ErrorCategory.ROLLOUT_FAILED, "rollout failed: CrashLoopBackOff");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "deploy");
        assertThat(r.status()).isEqualTo("rolledBack");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.reason()).contains("CrashLoopBackOff");
        assertThat(r.rolledBack().service()).isTrue();
        assertThat(r.rolledBack().model()).isFalse();
        assertThat(r.deployed().changes()).isEqualTo(3);
    }

    @Test
    void promotionThatChangedNothingIsNotRolledBackButTheServiceIs() {
        promotionBegan = false;
        fail("promote", ErrorCategory.INFRASTRUCTURE, "Vertex AI answered UNAVAILABLE");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "deploy", "promote", "rollback-service");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.status()).isEqualTo("rolledBack");
        assertThat(r.stages()).filteredOn(s -> s.name().equals("rollback-model")).extracting(StageResult::status)
                .containsExactly(StageStatus.SKIPPED);
    }

    @Test
    void aPromotionThatBeganBeforeFailingIsRolledBack() {
        fail("promote", ErrorCategory.INFRASTRUCTURE, "DeployModel timed out");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "deploy", "promote", "rollback-model", "rollback-service");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(true, true));
    }

    @Test
    void aDeployThatChangedNothingLeavesTheRunningServiceAloneOnRollback() {
        deployChanges = 0;
        fail("gate-service", ErrorCategory.GATE_FAILED, "status 500");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "deploy", "promote", "gate-service", "rollback-model");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.stages()).filteredOn(s -> s.name().equals("rollback-service")).extracting(StageResult::status)
                .containsExactly(StageStatus.SKIPPED);
    }

    @Test
    void aFailedRollbackIsExitFourAndSaysSo() {
        fail("gate-service", ErrorCategory.GATE_FAILED, "status 500");
        fail("rollback-service", ErrorCategory.ROLLBACK_FAILED, "restored Deployment did not become healthy");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.reason()).contains("rollback failed").contains("did not become healthy");
    }

    @Test
    void aBuildThatThrowsStopsTheReleaseBeforeAnythingRuns() {
        fail("build", ErrorCategory.INFRASTRUCTURE, "registry unreachable");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build");
        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.reason()).isEqualTo("the image build failed: registry unreachable");
        assertThat(Files.isRegularFile(work.resolve("release/build/build.json"))).isTrue();
    }

    @Test
    void modelOnlyReleaseWithAGivenImageSkipsBuildAndService() {
        ReleaseRecord r = release(false, false, true, false, true);

        assertThat(ran).containsExactly("bless", "promote", "gate-vertex", "shift");
        assertThat(((PromotionInput) inputOf.get("promote")).imageDigest()).isEqualTo(GIVEN);
        assertThat(r.stages()).extracting(StageResult::name)
                .containsExactly("bless", "build", "deploy", "promote", "gate-service", "gate-vertex", "shift");
        assertThat(r.status()).isEqualTo("released");
        assertThat(r.imageDigest()).isEqualTo(GIVEN.value());
    }

    @Test
    void shiftFailureAfterPassedGatesGoesForwardNotBack() {
        fail("shift", ErrorCategory.INFRASTRUCTURE, "DEADLINE_EXCEEDED");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).endsWith("shift").doesNotContain("rollback-model", "rollback-service");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.hint()).contains("mlship promote --shift");
    }

    /** The example with deploy.canary steps 10 and 50, golden answers on or off. */
    /** The waits between a canary step's gate runs, as the flow asked for them (none is slept). */
    private final List<java.time.Duration> paused = new ArrayList<>();

    private EnvironmentView canary(boolean golden) throws java.io.IOException {
        return canary(golden, "");
    }

    private EnvironmentView canary(boolean golden, String analysis) throws java.io.IOException {
        String text = Files.readString(Path.of("examples/reco-service/mlship.yaml"))
                .replaceFirst("(?m)^deploy:\n", "deploy:\n  canary:\n    steps: [10, 50]\n" + analysis);
        if (golden) {
            text = text.replace("    enabled: false\n    maxDiffRatio", "    enabled: true\n    maxDiffRatio");
        }
        Path repo = work.resolve("reco-service");
        io.mlship.spec.SpecFixtures.copyTree(Path.of("examples/reco-service"), repo);
        Path spec = Files.writeString(repo.resolve("mlship.yaml"), text);
        return EnvironmentView.of(new SpecLoader(JSON).load(spec, repo), "staging");
    }

    @Test
    void aServiceCanaryGatesEachStepOnTheCandidateThenMovesStableAndRemovesTheCandidate() throws Exception {
        view = canary(false);

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "canary-10", "gate-service-10", "canary-50", "gate-service-50", "promote",
                "gate-vertex", "deploy", "remove-candidate", "shift");
        assertThat(r.status()).isEqualTo("released");
        assertThat(((DeployInput) inputOf.get("canary-50")).imageDigest()).isEqualTo(BUILT);
        assertThat(((DeployInput) inputOf.get("deploy")).imageDigest()).as("stable moves to what passed").isEqualTo(BUILT);
        GateInput gate = (GateInput) inputOf.get("gate-service-50");
        assertThat(gate.serviceUrl()).as("the candidate's own address").isEqualTo(URI.create(CANDIDATE_URL));
        assertThat(gate.connection().targetHeaders()).as("a host route sends it to the candidate")
                .isEqualTo(Map.of("x-mlship-canary", "always"));
        assertThat(gate.baseline()).as("golden answers are off").isNull();
        assertThat(r.gates()).extracting(ReleaseRecord.Gate::name)
                .containsExactly("service-canary-10", "service-canary-50", "vertex");
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(false, false));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("▶ canary-10 (3/11").contains("▶ shift (11/11")
                .contains("✔ remove-candidate");
        assertThat(JSON.readTree(work.resolve("release/gate-service-10/smoke.json").toFile()).path("verdict").asText())
                .isEqualTo("passed");
        assertThat(JSON.readTree(work.resolve("release/canary-50/deploy.json").toFile()).path("canaryPercent").asInt())
                .isEqualTo(50);
    }

    @Test
    void aFirstReleaseWithNoStableToRunBesideRollsOutInPlace() throws Exception {
        view = canary(false);
        stableRuns = false;

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "canary-10", "deploy", "promote", "gate-service", "gate-vertex", "shift");
        assertThat(r.status()).isEqualTo("released");
        assertThat(r.stages()).filteredOn(s -> s.name().equals("canary-10")).extracting(StageResult::status)
                .containsExactly(StageStatus.SKIPPED);
        assertThat(((GateInput) inputOf.get("gate-service")).connection().targetHeaders()).isEmpty();
    }

    @Test
    void aFirstCanaryReleaseWithGoldenAnswersOnHasNoStableToCompareWithSoItsGateSkipsTheComparison() throws Exception {
        view = canary(true);
        stableRuns = false;

        ReleaseRecord r = release(true, true, false, true, false);

        assertThat(r.status()).isEqualTo("released");
        GateInput gate = (GateInput) inputOf.get("gate-service");
        assertThat(gate.baseline()).isNull();
        assertThat(gate.goldenSkipped()).isEqualTo("no stable version ran before this first release of the canary");
    }

    @Test
    void withGoldenAnswersOnAndNoBaselineGivenTheCandidateIsComparedWithStable() throws Exception {
        view = canary(true);

        release(true, true, false, true, false);

        GateInput gate = (GateInput) inputOf.get("gate-service-10");
        assertThat(gate.baseline()).isEqualTo(URI.create(STABLE_URL));
        assertThat(gate.connection().baselineHeaders()).as("a host route sends it to stable alone")
                .isEqualTo(Map.of("x-mlship-canary", "never"));
    }

    @Test
    void aCandidateFailingItsGateIsRemovedAndStableIsNeverWritten() throws Exception {
        view = canary(false);
        fail("gate-service-10", ErrorCategory.GATE_FAILED, "1 of 4 cases failed");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "canary-10", "gate-service-10", "remove-candidate");
        assertThat(r.status()).isEqualTo("rolledBack");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.reason()).contains("candidate's gate at 10% failed");
        assertThat(r.stages()).filteredOn(s -> s.name().equals("rollback-service")).extracting(StageResult::message)
                .containsExactly("stable was never changed: the candidate ran beside it");
        assertThat(r.stages()).filteredOn(s -> s.name().equals("rollback-model")).extracting(StageResult::message)
                .containsExactly("the model was not promoted yet");
    }

    @Test
    void aCandidateWhoseRolloutFailsIsRemovedAndNothingElseRuns() throws Exception {
        view = canary(false);
        fail("canary-50", ErrorCategory.ROLLOUT_FAILED, "rollout failed: CrashLoopBackOff");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "canary-10", "gate-service-10", "canary-50", "remove-candidate");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.reason()).contains("rollout at 50% failed").contains("CrashLoopBackOff");
    }

    @Test
    void anEndpointGateFailingAfterTheCandidatePassedRemovesItAndRollsBackTheModelOnly() throws Exception {
        view = canary(false);
        fail("gate-vertex", ErrorCategory.GATE_FAILED, "1 of 4 cases failed");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless", "build", "canary-10", "gate-service-10", "canary-50", "gate-service-50", "promote",
                "gate-vertex", "remove-candidate", "rollback-model");
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(false, true));
    }

    @Test
    void stableFailingItsRolloutAfterThePassedCandidateIsUndoneByTheDeployAndTheModelRollsBack() throws Exception {
        view = canary(false);
        fail("deploy", ErrorCategory.ROLLOUT_FAILED, "rollout failed: ImagePullBackOff");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).endsWith("gate-vertex", "deploy", "remove-candidate", "rollback-model");
        assertThat(r.status()).isEqualTo("rolledBack");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(true, true));
        assertThat(r.stages()).filteredOn(s -> s.name().equals("deploy")).extracting(StageResult::status)
                .containsExactly(StageStatus.ROLLED_BACK);
        assertThat(r.stages()).filteredOn(s -> s.name().equals("rollback-service")).extracting(StageResult::message)
                .containsExactly("the deploy restored the previous objects itself");
    }

    @Test
    void withAnAnalysisEachStepsGateRunsItsIterationsAnIntervalApart() throws Exception {
        view = canary(false, "    analysis: {iterations: 3, interval: 2m}\n");

        ReleaseRecord r = release(true, true, false, true, false);

        assertThat(ran).containsExactly("build", "canary-10", "gate-service-10-1", "gate-service-10-2", "gate-service-10-3",
                "canary-50", "gate-service-50-1", "gate-service-50-2", "gate-service-50-3", "deploy", "remove-candidate");
        assertThat(r.status()).isEqualTo("released");
        assertThat(paused).as("the first run of a step starts at once").containsExactly(java.time.Duration.ZERO,
                java.time.Duration.ofMinutes(2), java.time.Duration.ofMinutes(2), java.time.Duration.ZERO,
                java.time.Duration.ofMinutes(2), java.time.Duration.ofMinutes(2));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("▶ gate-service-10-2 (4/11")
                .contains("after 2m more at 10% (run 2 of 3)");
    }

    @Test
    void aLaterRunOfAStepsAnalysisFailingRemovesTheCandidate() throws Exception {
        view = canary(false, "    analysis: {iterations: 3, interval: 30s}\n");
        fail("gate-service-10-2", ErrorCategory.GATE_FAILED, "the gate failed");

        ReleaseRecord r = release(true, true, false, true, false);

        assertThat(ran).containsExactly("build", "canary-10", "gate-service-10-1", "gate-service-10-2", "remove-candidate");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.reason()).contains("the candidate's gate at 10% failed (run 2 of 3): smoke gate failed");
    }

    /** The parts of a stage's result file these tests read. */
    private record JsonResult(int exitCode, String category) {
        JsonResult(Path file) throws java.io.IOException {
            this(JSON.readTree(file.toFile()).path("exitCode").asInt(),
                    JSON.readTree(file.toFile()).path("errorDetails").path("category").asText());
        }
    }

    @Test
    void anUnblessedCandidateStopsTheReleaseBeforeAnyStageRuns() {
        failing.put("bless", new MlshipException(io.mlship.result.ErrorCategory.GATE_FAILED,
                "the candidate is not blessed: 1 of 1 thresholds not met", "retrain"));

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("bless");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.status()).isEqualTo("failed");
        assertThat(r.reason()).contains("not blessed");
        assertThat(r.blessing().blessed()).isFalse();
        assertThat(r.blessing().thresholds()).extracting(Blessing.Threshold::detail).containsExactly("0.1 is not >= 0.86");
        assertThat(r.junitFiles()).hasSize(1);
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(false, false));
    }

}
