package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.CliRun;
import io.mlship.kube.apply.KindTable;
import io.mlship.kube.manifest.ReleaseLabels;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.targets.HttpTarget;
import io.mlship.smoke.tls.GateTls;
import io.mlship.spec.SpecFixtures;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlship release of the example's service with {@code deploy.canary.steps: [10, 50]} on the sandbox: each step's
 * candidate beside stable, gated through real requests; checked through the sandbox's Kubernetes API (stable's
 * generation and pod template, what is labelled as the candidate's) and what serves, not through mlship's output.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CanaryReleaseSandboxTest {
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    static final String NS = "reco";

    Path repo;
    Path state;
    Sandbox sandbox;
    KubernetesClient admin;
    String stableDigest;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        repo = tmp.resolve("reco-service");
        SpecFixtures.copyTree(ReleaseSandboxTest.EXAMPLE, repo);
        ReleaseSandboxTest.deleteTree(repo.resolve(".mlship"));
        Path spec = repo.resolve("mlship.yaml");
        // Golden answers on, with no --baseline anywhere: each candidate is compared with stable.
        Files.writeString(spec, Files.readString(spec).replaceFirst("(?m)^deploy:\n", "deploy:\n  canary:\n    steps: [10, 50]\n")
                .replace("    enabled: false\n", "    enabled: true\n"));
        state = tmp.resolve("sandbox");
        sandbox = Sandbox.start(new SandboxStateDir(state));
        sandbox.publish();
        admin = sandbox.cluster().client();
    }

    @AfterAll
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** A release that trusts the sandbox's CA, as a team gives its internal CA to the gate. */
    CliRun release(String name, int build) {
        return releaseTrusting(name, build, "--ca-file", sandbox.info().caFile());
    }

    CliRun releaseTrusting(String name, int build, String... tls) {
        Path out = repo.resolve(".mlship/" + name);
        List<String> args = new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(), "--env",
                "staging", "--sandbox", state.toString(), "--result-dir", out.toString(), "--git-sha", SHA,
                "--build-url", ReleaseSandboxTest.buildUrl(build), "--approved-by", "alice", "--skip-model"));
        args.addAll(List.of(tls));
        return CliRun.of(out, args.toArray(String[]::new));
    }

    Deployment stable() {
        return admin.apps().deployments().inNamespace(NS).withName("reco-service").get();
    }

    /** Every object in the namespace labelled as the candidate's, whatever its kind. */
    List<String> candidateObjects() {
        List<String> out = new ArrayList<>();
        Map<String, String> owned = ReleaseLabels.owned("reco-service-canary");
        for (var kind : KindTable.all()) {
            for (HasMetadata o : admin.genericKubernetesResources(kind).inNamespace(NS).withLabels(owned).list().getItems()) {
                out.add(o.getKind() + "/" + o.getMetadata().getName());
            }
        }
        return out;
    }

    static List<String> stages(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.path("stages").forEach(s -> out.add(s.path("name").asText() + ":" + s.path("status").asText()));
        return out;
    }

    /** How many items stable answers for a lipstick search, at the URL the sandbox publishes for its Service. */
    int stableItems() throws Exception {
        String url = admin.services().inNamespace(NS).withName("reco-service").get()
                .getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/v1/recommendations?q=lipstick&k=5")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return new ObjectMapper().readTree(r.body()).path("items").size();
    }

    /** Which images answered {@code n} requests to the host, over HTTPS through the sandbox's ingress and router. */
    Map<String, Long> hostAnsweredBy(int n) throws Exception {
        String https = admin.network().v1().ingresses().inNamespace(NS).withName("reco-service").get()
                .getMetadata().getAnnotations().get(RolloutSimulator.HTTPS_URL_ANNOTATION);
        try (HttpTarget host = new HttpTarget(URI.create(https), null, Duration.ofSeconds(10), new ObjectMapper(),
                GateTls.of(null, repo, Path.of(sandbox.info().caFile())), InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < n; i++) {
                assertThat(host.send(new SmokeRequest.HttpCall("GET", "/healthz", Map.of(), null)).status()).isEqualTo(200);
            }
            return host.imageDigests();
        }
    }

    /** Which images answered a gate, as its result file counts them. */
    String answeredBy(String resultFile) throws Exception {
        JsonNode smoke = new ObjectMapper().readTree(repo.resolve(resultFile).toFile());
        for (JsonNode t : smoke.findValue("thresholds")) {
            if (t.path("name").asText().equals("imageDigest")) {
                assertThat(t.path("passed").asBoolean()).as(t.toString()).isTrue();
                return t.path("actual").asText();
            }
        }
        throw new AssertionError("no imageDigest check in " + resultFile + ": " + smoke);
    }

    void editServer(String from, String to) throws Exception {
        Path server = repo.resolve("src/reco/server.py");
        String text = Files.readString(server);
        assertThat(text).contains(from);
        Files.writeString(server, text.replace(from, to));
    }

    @Test
    @Order(1)
    void theFirstReleaseHasNoStableToRunBesideSoItRollsOutInPlace() throws Exception {
        CliRun run = release("first", 1);

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = run.result("release");
        assertThat(stages(result)).startsWith("build:passed", "canary-10:skipped", "deploy:passed", "promote:skipped",
                "gate-service:passed");
        stableDigest = result.path("imageDigest").asText();
        assertThat(ReleaseSandboxTest.image(stable())).endsWith("@" + stableDigest);
        assertThat(candidateObjects()).isEmpty();
        assertThat(stableItems()).isEqualTo(5);
        assertThat(answeredBy(".mlship/first/release/gate-service/smoke.json")).matches(stableDigest + ": (\\d+) of \\1");
        assertThat(run.err()).contains("golden: not compared: no stable version ran before this first release of the canary");
    }

    @Test
    @Order(2)
    void aCandidateFailingItsGateIsRemovedAndStableWasNeverWritten() throws Exception {
        Deployment before = stable();
        editServer("items = [r.to_json() for r in model.recommend(q.text, q.k, q.category)]",
                "items = [r.to_json() for r in model.recommend(q.text, q.k, q.category)][:1]");

        CliRun run = release("broken", 2);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode result = run.result("release");
        assertThat(result.path("releaseStatus").asText()).isEqualTo("rolledBack");
        assertThat(result.path("reason").asText()).contains("candidate's gate at 10% failed");
        assertThat(stages(result)).contains("canary-10:passed", "gate-service-10:failed", "remove-candidate:passed",
                "rollback-service:skipped").doesNotContain("canary-50:passed", "deploy:passed");
        assertThat(stable().getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertThat(stable().getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
        assertThat(candidateObjects()).isEmpty();
        assertThat(admin.network().v1().ingresses().inNamespace(NS).withName("reco-service-canary").get()).isNull();
        assertThat(stableItems()).isEqualTo(5);
        // The gate ran against the candidate itself: its own file names the failing expectation.
        assertThat(Files.readString(repo.resolve(".mlship/broken/release/gate-service-10/smoke.json")))
                .contains("$.items");
    }

    @Test
    @Order(3)
    void aGoodCandidatePassesEveryStepComparedWithStableThenStableMovesToItAndTheCandidateGoes() throws Exception {
        editServer("model.recommend(q.text, q.k, q.category)][:1]", "model.recommend(q.text, q.k, q.category)]  # v3");

        CliRun run = release("good", 3);

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = run.result("release");
        assertThat(stages(result)).containsSubsequence("canary-10:passed", "gate-service-10:passed", "canary-50:passed",
                "gate-service-50:passed", "deploy:passed", "remove-candidate:passed");
        String digest = result.path("imageDigest").asText();
        assertThat(digest).isNotEqualTo(stableDigest);
        assertThat(ReleaseSandboxTest.image(stable())).endsWith("@" + digest);
        assertThat(candidateObjects()).isEmpty();
        assertThat(admin.network().v1().ingresses().inNamespace(NS).withName("reco-service-canary").get()).isNull();
        assertThat(hostAnsweredBy(100)).as("all of the host to stable, now on the new image").isEqualTo(Map.of(digest, 100L));
        // Golden answers on and no --baseline: stable answered the same requests, and they matched.
        JsonNode golden = new ObjectMapper().readTree(repo.resolve(".mlship/good/release/gate-service-10/smoke.json")
                .toFile()).findValue("golden");
        assertThat(golden.path("baseline").asText()).contains("x-mlship-canary: never");
        assertThat(golden.path("compared").asInt()).isPositive();
        assertThat(golden.path("differing").asInt()).isZero();
        // Every answer the gate judged named the candidate's image (the pod's MLSHIP_IMAGE_DIGEST, echoed).
        for (String step : List.of("gate-service-10", "gate-service-50")) {
            assertThat(answeredBy(".mlship/good/release/" + step + "/smoke.json")).startsWith(digest + ": ")
                    .doesNotContain(stableDigest);
        }
    }

    @Test
    @Order(4)
    void validateTakesTheStepsAsTheyAreAndADeployOnItsOwnSaysItRollsOutInPlace() {
        Path out = repo.resolve(".mlship/validate");
        CliRun validate = CliRun.of(out, "validate", "--spec", repo.resolve("mlship.yaml").toString(), "--result-dir", out.toString());
        assertThat(validate.exitCode()).as(validate.err()).isZero();
        assertThat(validate.err()).doesNotContain("canary");

        Path dry = repo.resolve(".mlship/deploy");
        CliRun deploy = CliRun.of(dry, "deploy", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--kubeconfig", sandbox.info().kubeconfig(), "--context", sandbox.info().kubeContext(), "--dry-run",
                "--result-dir", dry.toString());
        assertThat(deploy.exitCode()).as(deploy.err()).isZero();
        assertThat(deploy.err()).contains("deploy.canary's steps run in mlship release (mlRelease)")
                .contains("mlship deploy rolls the Deployment out in place");
    }

    @Test
    @Order(5)
    void withoutTheInternalCaTheCandidatesGateCannotRunItIsRemovedAndTheReleaseSaysWhy() throws Exception {
        Deployment before = stable();
        editServer("q.category)]  # v3", "q.category)]  # v4");

        CliRun run = releaseTrusting("untrusted", 4);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        JsonNode result = run.result("release");
        assertThat(result.path("reason").asText())
                .contains("the certificate of reco.staging.internal.example.com is signed by an unknown CA");
        assertThat(result.path("errorDetails").path("hint").asText()).contains("--ca-file");
        assertThat(stages(result)).contains("canary-10:passed", "gate-service-10:failed", "remove-candidate:passed");
        assertThat(stable().getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertThat(candidateObjects()).isEmpty();
    }

    @Test
    @Order(6)
    void aReleaseStoppedWhileTheCandidateHoldsItsShareConvergesWhenRunAgain() throws Exception {
        editServer("q.category)]  # v4", "q.category)]  # v5");
        List<String> args = new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(), "--env",
                "staging", "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--result-dir",
                repo.resolve(".mlship/stopped").toString(), "--git-sha", SHA, "--skip-model", "--lock-timeout", "20s"));
        Process p = ReleaseInterruptTest.startCli(args);
        String seen = ReleaseInterruptTest.awaitLine(p, "▶ gate-service-50", Duration.ofSeconds(120));
        p.destroy(); // SIGTERM, as Jenkins stops a build: the candidate has 50% of the host
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as(seen).isTrue();

        CliRun again = CliRun.of(repo.resolve(".mlship/stopped"), args.toArray(String[]::new));

        assertThat(again.exitCode()).as(again.err()).isZero();
        String digest = again.result("release").path("imageDigest").asText();
        assertThat(ReleaseSandboxTest.image(stable())).endsWith("@" + digest);
        assertThat(candidateObjects()).isEmpty();
        assertThat(hostAnsweredBy(50)).isEqualTo(Map.of(digest, 50L));
        assertThat(admin.leases().inNamespace(NS).list().getItems()).as("the stopped build gave the lock back").isEmpty();
    }
}
