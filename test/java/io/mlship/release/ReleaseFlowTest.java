package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The order of a release's stages and what is undone when one fails, with each stage's command scripted. */
class ReleaseFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    private final Map<String, Scripted> script = new HashMap<>();
    private final List<String> ran = new ArrayList<>();
    private final Map<String, List<String>> argsOf = new HashMap<>();
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    private record Scripted(int exit, String json) {
    }

    ReleaseFlowTest() {
        ok("build", "{\"digest\":\"" + DIGEST + "\",\"imageRef\":\"reg/repo@" + DIGEST + "\"}");
        ok("deploy", "{\"namespace\":\"reco\",\"image\":\"reg/repo@" + DIGEST + "\",\"revision\":\"2\",\"previousRevision\":\"1\",\"changes\":3}");
        ok("promote", "{\"model\":\"projects/p/locations/r/models/reco-ranker\",\"modelVersionId\":\"2\",\"endpoint\":\"e/reco\","
                + "\"trafficSplit\":{\"a\":90,\"b\":10},\"promotion\":{\"action\":\"promote\",\"artifacts\":\"gs://b/v2/\","
                + "\"before\":{\"trafficSplit\":{\"a\":100},\"aliases\":{\"1\":[\"default\",\"prod\"]}}}}");
        ok("gate-service", gate("passed"));
        ok("gate-vertex", gate("passed"));
        ok("shift", "{\"trafficSplit\":{\"b\":100},\"aliases\":{\"1\":[\"default\"],\"2\":[\"candidate\",\"prod\"]}}");
        ok("rollback-model", "{\"trafficSplit\":{\"a\":100},\"aliases\":{\"1\":[\"default\",\"prod\"]}}");
        ok("rollback-service", "{\"restoredImage\":\"reg/repo@sha256:old\"}");
    }

    private static String gate(String verdict) {
        return "{\"verdict\":\"" + verdict + "\",\"target\":\"t\",\"cases\":{\"total\":4,\"passed\":" + ("passed".equals(verdict) ? 4 : 3)
                + ",\"failed\":0},\"latency\":{\"p50Ms\":2.0,\"p99Ms\":9.0,\"count\":40,\"buckets\":[{\"upToMs\":1,\"count\":3}]},"
                + "\"junitFile\":\"/tmp/j.xml\"}";
    }

    private void ok(String stage, String json) {
        script.put(stage, new Scripted(0, json));
    }

    private void fail(String stage, int exit, String json, String message) {
        String withError = json.replaceFirst("}$", (json.equals("{}") ? "" : ",") + "\"errorDetails\":{\"message\":\"" + message + "\"}}");
        script.put(stage, new Scripted(exit, withError));
    }

    private ReleaseRecord release(boolean build, boolean deploy, boolean promote, boolean gateService, boolean gateVertex) {
        ReleaseInputs in = ReleaseInputs.builder().spec(Path.of("mlship.yaml"), null).target("staging", "reco-service")
                .parts(build, deploy, promote, gateService, gateVertex).image(build ? null : DIGEST, null, null, false)
                .model("v2", null, null, true).cluster("kc", "ctx").workDir(Path.of("out/release")).build();
        CommandInvoker invoker = (stage, args) -> {
            ran.add(stage);
            argsOf.put(stage, args);
            Scripted s = script.get(stage);
            try {
                JsonNode result = JSON.readTree(s.json());
                return new Invocation(args.get(0), s.exit(), result, Path.of("x.json"), Duration.ofMillis(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        return new ReleaseFlow(in, invoker, () -> Optional.of("http://127.0.0.1:9"),
                new PrintStream(console, true, StandardCharsets.UTF_8), Clock.systemUTC()).run();
    }

    @Test
    void happyPathRunsEveryStageInOrderAndPassesResultsOn() {
        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("build", "deploy", "promote", "gate-service", "gate-vertex", "shift");
        assertThat(r.status()).isEqualTo("released");
        assertThat(r.exitCode()).isZero();
        assertThat(argsOf.get("deploy")).containsSequence("--image-digest", DIGEST).containsSequence("--kubeconfig", "kc");
        assertThat(argsOf.get("promote")).containsSequence("--image-digest", DIGEST).containsSequence("--model-version", "v2");
        assertThat(argsOf.get("gate-service")).containsSequence("--target", "http://127.0.0.1:9");
        assertThat(argsOf.get("gate-vertex")).containsSequence("--target", "vertex").containsSequence("--model-version-id", "2");
        assertThat(argsOf.get("shift")).contains("--shift=true");
        assertThat(argsOf.get("gate-vertex")).containsSequence("--result-dir", Path.of("out/release/gate-vertex").toString());
        assertThat(r.model().aliasesBefore().toString()).contains("prod");
        assertThat(r.model().trafficAfter().toString()).isEqualTo("{\"b\":100}");
        assertThat(r.gates()).extracting(ReleaseRecord.Gate::verdict).containsExactly("passed", "passed");
        assertThat(r.junitFiles()).hasSize(2);
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(false, false));
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("▶ deploy (2/6").contains("released in");
    }

    @Test
    void failedEndpointGateRollsBackModelAndServiceAndNeverShifts() {
        fail("gate-vertex", 1, gate("failed"), "1 of 4 cases failed");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("build", "deploy", "promote", "gate-service", "gate-vertex", "rollback-model", "rollback-service");
        assertThat(r.status()).isEqualTo("rolledBack");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.reason()).contains("endpoint gate failed").contains("1 of 4 cases failed");
        assertThat(argsOf.get("rollback-model")).contains("--rollback=true");
        assertThat(argsOf.get("rollback-service")).contains("--rollback=true").containsSequence("--context", "ctx");
        assertThat(r.rolledBack()).isEqualTo(new ReleaseRecord.RolledBack(true, true));
        assertThat(r.model().trafficAfter().toString()).isEqualTo("{\"a\":100}");
        assertThat(r.stages()).filteredOn(s -> s.name().equals("gate-vertex")).extracting(StageResult::status)
                .containsExactly(StageStatus.FAILED);
    }

    @Test
    void failedRolloutIsUndoneByDeployItselfAndTheModelIsNeverTouched() {
        fail("deploy", 1, "{\"changes\":3}", "rollout failed: CrashLoopBackOff");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("build", "deploy");
        assertThat(r.status()).isEqualTo("rolledBack");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.reason()).contains("CrashLoopBackOff");
        assertThat(r.rolledBack().service()).isTrue();
        assertThat(r.rolledBack().model()).isFalse();
    }

    @Test
    void promotionThatChangedNothingIsNotRolledBackButTheServiceIs() {
        fail("promote", 3, "{}", "Vertex AI answered UNAVAILABLE");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("build", "deploy", "promote", "rollback-service");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.status()).isEqualTo("rolledBack");
        assertThat(r.stages()).filteredOn(s -> s.name().equals("rollback-model")).extracting(StageResult::status)
                .containsExactly(StageStatus.SKIPPED);
    }

    @Test
    void aDeployThatChangedNothingLeavesTheRunningServiceAloneOnRollback() {
        ok("deploy", "{\"namespace\":\"reco\",\"revision\":\"1\",\"changes\":0}");
        fail("gate-service", 1, gate("failed"), "status 500");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).containsExactly("build", "deploy", "promote", "gate-service", "rollback-model");
        assertThat(r.exitCode()).isEqualTo(1);
    }

    @Test
    void aFailedRollbackIsExitFourAndSaysSo() {
        fail("gate-service", 1, gate("failed"), "status 500");
        fail("rollback-service", 4, "{}", "restored Deployment did not become healthy");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.reason()).contains("rollback failed").contains("did not become healthy");
    }

    @Test
    void modelOnlyReleaseWithAGivenImageSkipsBuildAndService() {
        ReleaseRecord r = release(false, false, true, false, true);

        assertThat(ran).containsExactly("promote", "gate-vertex", "shift");
        assertThat(argsOf.get("promote")).containsSequence("--image-digest", DIGEST);
        assertThat(r.stages()).extracting(StageResult::name)
                .containsExactly("build", "deploy", "promote", "gate-service", "gate-vertex", "shift");
        assertThat(r.status()).isEqualTo("released");
    }

    @Test
    void shiftFailureAfterPassedGatesGoesForwardNotBack() {
        fail("shift", 3, "{}", "DEADLINE_EXCEEDED");

        ReleaseRecord r = release(true, true, true, true, true);

        assertThat(ran).endsWith("shift").doesNotContain("rollback-model", "rollback-service");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.hint()).contains("mlship promote --shift");
    }
}
