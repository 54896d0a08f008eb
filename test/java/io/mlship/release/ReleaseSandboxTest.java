package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListModelVersionsRequest;
import com.google.cloud.aiplatform.v1.Model;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.kube.RolloutSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.mlship.model.VertexClients;
import io.mlship.model.VertexApi;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.spec.SpecFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlship release of the example (service and model) onto the sandbox, checked through the sandbox's own state —
 * the Kubernetes API's objects, the emulator's models and endpoint (official aiplatform client) and real requests
 * to what serves — not through mlship's output. The releases build on each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReleaseSandboxTest {
    static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    static final String MODEL = "projects/ds-ml-staging/locations/europe-west4/models/reco-ranker";
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    Path repo;
    Path state;
    Path storageRoot;
    String firstDigest;
    Sandbox sandbox;
    VertexClients vertex;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        repo = tmp.resolve("reco-service");
        SpecFixtures.copyTree(EXAMPLE, repo);
        deleteTree(repo.resolve(".mlship"));
        state = tmp.resolve("sandbox");
        SandboxStateDir stateDir = new SandboxStateDir(state);
        for (String v : List.of("v1", "v2", "broken")) {
            SpecFixtures.copyTree(repo.resolve("training-output/reco-ranker/" + v),
                    stateDir.storageRoot().resolve("ds-training-output/reco-ranker/" + v));
        }
        Files.createDirectories(stateDir.storageRoot().resolve("ds-ml-prod-models")); // prod's copyArtifacts bucket
        Files.createDirectories(stateDir.storageRoot().resolve("ds-release-state")); // the model-only spec's state
        storageRoot = stateDir.storageRoot();
        sandbox = Sandbox.start(stateDir);
        sandbox.publish();
        vertex = new VertexClients(VertexApi.emulator(sandbox.info().vertexGrpc()), Duration.ofSeconds(20));
        seen.add(new Seen(Instant.now(), null, null, Map.of(), Map.of()));
    }

    /** What served in staging at one instant, as the sandbox itself showed it (not as mlship reported it). */
    record Seen(Instant at, String imageDigest, String modelVersion, Map<String, List<String>> aliases,
                Map<String, Integer> traffic) {
    }

    /** Staging before the first release and after each release that changed it, for the history test. */
    final List<Seen> seen = new ArrayList<>();

    void remember(String modelVersion) {
        String image = image(deployment());
        Map<String, List<String>> withAliases = new java.util.TreeMap<>(aliases());
        withAliases.values().removeIf(List::isEmpty);
        seen.add(new Seen(Instant.now(), image.substring(image.indexOf('@') + 1), modelVersion, withAliases, stagingEndpoint()
                .getTrafficSplitMap()));
    }

    @AfterAll
    void stop() {
        if (vertex != null) {
            vertex.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** How often the spec file has been read by the releases of this class. */
    final AtomicInteger specLoads = new AtomicInteger();

    /** A release by CI build number {@code build}, approved by alice unless {@code extra} says otherwise. */
    CliRun release(String name, int build, String... extra) {
        Path out = repo.resolve(".mlship/" + name);
        List<String> args = new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--result-dir", out.toString(), "--git-sha", SHA,
                "--build-url", buildUrl(build)));
        if (!List.of(extra).contains("--approved-by")) {
            args.addAll(List.of("--approved-by", "alice"));
        }
        args.addAll(List.of(extra));
        return CliRun.of(out, reader -> (spec, root) -> {
            specLoads.incrementAndGet();
            return reader.load(spec, root);
        }, args.toArray(String[]::new));
    }

    static String buildUrl(int build) {
        return "https://ci.example.com/job/reco/" + build + "/";
    }

    Deployment deployment() {
        return sandbox.cluster().client().apps().deployments().inNamespace("reco").withName("reco-service").get();
    }

    static String image(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }

    /** What the service answers right now, at the URL the sandbox's cluster publishes for it. */
    String serviceAnswer(String query) throws Exception {
        String url = sandbox.cluster().client().services().inNamespace("reco").withName("reco-service").get()
                .getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/v1/recommendations?q=" + query + "&k=3")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** Version id → aliases, as the Model Registry has them. */
    Map<String, List<String>> aliases() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (Model m : vertex.models().listModelVersions(ListModelVersionsRequest.newBuilder().setName(MODEL).build()).iterateAll()) {
            out.put(m.getVersionId(), m.getVersionAliasesList());
        }
        return out;
    }

    Endpoint stagingEndpoint() {
        return StreamSupport.stream(vertex.endpoints().listEndpoints("projects/ds-ml-staging/locations/europe-west4")
                .iterateAll().spliterator(), false).filter(x -> x.getDisplayName().equals("reco-staging")).findFirst().orElseThrow();
    }

    /** Model version id → traffic percent on the staging endpoint. */
    Map<String, Integer> trafficByVersion() {
        Endpoint e = stagingEndpoint();
        Map<String, Integer> out = new java.util.TreeMap<>();
        e.getDeployedModelsList().forEach(d -> out.put(d.getModelVersionId(), e.getTrafficSplitMap().getOrDefault(d.getId(), 0)));
        return out;
    }

    @Test
    @Order(1)
    void firstReleaseBuildsPromotesGatesAndShiftsTheModel() throws Exception {
        int loadsBefore = specLoads.get();
        CliRun run = release("first", 7, "--model-version", "v1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(specLoads.get() - loadsBefore).as("a whole release (build, deploy, promote, two gates, shift) reads "
                + "and validates its spec once").isEqualTo(1);
        assertThat(run.err()).contains("▶ shift (7/7");
        JsonNode result = run.result("release");
        assertThat(result.path("releaseStatus").asText()).isEqualTo("released");
        String digest = result.path("imageDigest").asText();
        assertThat(digest).startsWith("sha256:");
        firstDigest = digest;
        assertThat(image(deployment())).endsWith("@" + digest);
        assertThat(deployment().getMetadata().getAnnotations()).containsEntry("mlship.io/build-url", buildUrl(7))
                .containsEntry("mlship.io/approved-by", "alice");
        assertThat(deployment().getSpec().getTemplate().getMetadata().getAnnotations()).as("nothing per-build on the pods")
                .doesNotContainKeys("mlship.io/build-url", "mlship.io/approved-by");
        assertThat(deployment().getStatus().getAvailableReplicas()).isPositive();
        assertThat(serviceAnswer("lipstick")).contains("\"category\": \"lipstick\"");
        assertThat(aliases().get("1")).contains("prod");
        assertThat(trafficByVersion()).isEqualTo(Map.of("1", 100));
        JsonNode record = new ObjectMapper().readTree(Path.of(result.path("recordFile").asText()).toFile());
        assertThat(record.path("approvedBy").asText()).isEqualTo("alice");
        assertThat(record.path("gates").get(0).path("verdict").asText()).isEqualTo("passed");
        assertThat(record.path("stages")).extracting(s -> s.path("name").asText() + ":" + s.path("status").asText())
                .containsExactly("bless:passed", "build:passed", "deploy:passed", "promote:passed", "gate-service:passed",
                        "gate-vertex:passed", "shift:passed");
        // A first release: no version holds prod, so only the absolute threshold is judged, and the record says so.
        assertThat(record.path("blessing").path("blessed").asBoolean()).isTrue();
        assertThat(record.path("blessing").path("prodVersion").isNull()).isTrue();
        assertThat(record.path("blessing").path("note").asText()).contains("first release");
        assertThat(record.path("blessing").path("thresholds")).extracting(t -> t.path("rule").asText() + ":"
                + t.path("skipped").asBoolean()).containsExactly("ndcg@10 >= 0.8:false", "ndcg@10 >= prod - 0.03:true",
                "recall@10 >= prod - 0.05:true");
        Model v1 = vertex.models().getModel(MODEL + "@1");
        assertThat(v1.getLabelsMap()).as("the metrics are kept on the version").containsEntry("mlship-metric-ndcg_10", "0_8923")
                .containsEntry("mlship-metric-recall_10", "0_8639").containsEntry("mlship-blessing", "passed");
        Path report = Path.of(result.path("reportFile").asText());
        String dom = HeadlessChromium.dumpDom(report, Files.createDirectories(repo.resolve(".mlship/chromium")));
        assertThat(dom).contains("<p id=\"verdict\" class=\"released\">Released").contains("id=\"latency-vertex\"")
                .contains("<td class=\"passed\">passed</td>");
        // The release report and both gates' reports, as Jenkins would serve the archived folder (its default CSP).
        JenkinsCspCheck.Outcome csp = JenkinsCspCheck.run(report.getParent(), ReportsUnderJenkinsCspTest.SCREENSHOTS.resolve("sandbox-release"));
        assertThat(csp.exitCode()).as(csp.output()).isZero();
        assertThat(csp.output()).contains("ok    release-report.html", "gate-service/smoke-report.html", "gate-vertex/smoke-report.html",
                "3 passed, 0 failed");
        assertThat(run.err()).contains("mlship release · reco-service → staging · RELEASED");
        remember("v1");
    }

    @Test
    @Order(2)
    void aCandidateWorseThanProdIsRefusedBeforeAnythingIsBuiltDeployedOrMoved() throws Exception {
        Map<String, List<String>> aliasesBefore = aliases();
        Map<String, Integer> trafficBefore = trafficByVersion();
        String revisionBefore = deployment().getMetadata().getAnnotations().get("mlship.io/build-url");
        sandbox.vertex().calls().reset();

        CliRun run = release("refused", 8, "--model-version", "broken");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        Map<String, Long> calls = sandbox.vertex().calls().snapshot();
        assertThat(calls.keySet()).as("Vertex AI was only read: " + calls).allMatch(m -> m.endsWith("/GetModel"));
        assertThat(calls).doesNotContainKeys("google.cloud.aiplatform.v1.EndpointService/DeployModel",
                "google.cloud.aiplatform.v1.ModelService/UploadModel");
        assertThat(trafficByVersion()).isEqualTo(trafficBefore);
        assertThat(aliases()).isEqualTo(aliasesBefore);
        assertThat(image(deployment())).endsWith("@" + firstDigest);
        assertThat(deployment().getMetadata().getAnnotations().get("mlship.io/build-url")).isEqualTo(revisionBefore);

        JsonNode result = run.result("release");
        assertThat(result.path("errorDetails").path("category").asText()).isEqualTo("gateFailed");
        assertThat(result.path("stages")).extracting(st -> st.path("name").asText() + ":" + st.path("status").asText())
                .containsExactly("bless:failed");
        JsonNode record = new ObjectMapper().readTree(Path.of(result.path("recordFile").asText()).toFile());
        assertThat(record.path("reason").asText()).contains("not blessed").contains("against prod version 1")
                .contains("ndcg@10 >= prod - 0.03 (0.1138 is not >= 0.8623 (prod 0.8923 - 0.03))");
        JsonNode blessing = record.path("blessing");
        assertThat(blessing.path("blessed").asBoolean()).isFalse();
        assertThat(blessing.path("overridden").asBoolean()).isFalse();
        assertThat(blessing.path("prodVersion").asText()).isEqualTo("1");
        assertThat(blessing.path("metricsFile").asText()).isEqualTo("gs://ds-training-output/reco-ranker/broken/metrics.json");
        assertThat(blessing.path("metrics")).anySatisfy(m -> {
            assertThat(m.path("name").asText()).isEqualTo("ndcg@10");
            assertThat(m.path("candidate").asDouble()).isEqualTo(0.1138);
            assertThat(m.path("prod").asDouble()).isEqualTo(0.8923);
            assertThat(m.path("delta").asDouble()).isEqualTo(-0.7785);
        });
        assertThat(blessing.path("thresholds")).allSatisfy(t -> assertThat(t.path("passed").asBoolean()).isFalse());
        String junit = Files.readString(Path.of(record.path("blessingJunitFile").asText()));
        assertThat(junit).contains("testsuite name=\"mlship.blessing\" tests=\"3\" failures=\"3\"")
                .contains("<testcase classname=\"mlship.blessing.thresholds\" name=\"recall@10 >= prod - 0.05\"");
    }

    @Test
    @Order(3)
    void aBrokenCandidateFailsItsGateAndServiceAndEndpointAreExactlyAsBefore() throws Exception {
        Map<String, List<String>> aliasesBefore = aliases();
        // A code change too, so the release rolls out a new service revision that must be rolled back as well.
        Path server = repo.resolve("src/reco/server.py");
        Files.writeString(server, Files.readString(server) + "\n# release candidate 2\n");

        // Past its blessing on purpose: the gate must catch the broken model as well.
        CliRun run = release("broken", 8, "--model-version", "broken", "--override-blessing",
                "--reason", "prove the gate catches it too");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        JsonNode result = run.result("release");
        assertThat(result.path("releaseStatus").asText()).isEqualTo("rolledBack");
        assertThat(result.path("errorDetails").path("category").asText()).isEqualTo("gateFailed");
        assertThat(result.path("reason").asText()).contains("endpoint gate failed");
        assertThat(trafficByVersion()).isEqualTo(Map.of("1", 100));
        Map<String, List<String>> after = aliases();
        assertThat(after.get("1")).containsExactlyInAnyOrderElementsOf(aliasesBefore.get("1"));
        assertThat(after.get("2")).doesNotContain("prod");
        assertThat(result.path("stages")).extracting(s -> s.path("name").asText() + ":" + s.path("status").asText())
                .contains("bless:passed", "deploy:passed", "gate-service:passed", "gate-vertex:failed", "rollback-model:passed",
                        "rollback-service:passed").doesNotContain("shift:passed");
        assertThat(result.path("imageDigest").asText()).isNotEqualTo(firstDigest);
        assertThat(image(deployment())).as("the previous revision runs again").endsWith("@" + firstDigest);
        assertThat(deployment().getMetadata().getAnnotations()).as("and names the build that deployed it")
                .containsEntry("mlship.io/build-url", buildUrl(7));
        assertThat(deployment().getStatus().getAvailableReplicas()).isPositive();
        assertThat(serviceAnswer("lipstick")).contains("\"category\": \"lipstick\"");
        assertThat(Files.readString(Path.of(result.path("reportFile").asText()))).contains("Rolled back")
                .contains("endpoint gate failed");
        remember("v1");
    }

    @Test
    @Order(4)
    void theNextGoodReleaseMovesProdOn() {
        CliRun run = release("second", 9, "--model-version", "v2");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String version = run.result("release").path("modelVersionId").asText();
        assertThat(aliases().get(version)).contains("prod");
        assertThat(aliases().get("1")).doesNotContain("prod");
        assertThat(trafficByVersion()).isEqualTo(Map.of(version, 100));
        assertThat(image(deployment())).endsWith("@" + run.result("release").path("imageDigest").asText())
                .doesNotEndWith("@" + firstDigest);
        remember("v2");
    }

    @Test
    @Order(5)
    void badInputStopsBeforeAnythingRemote() {
        Map<String, Integer> before = trafficByVersion();

        CliRun run = release("bad", 10, "--model-version", "v2", "--canary", "150");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("release").path("errorDetails").path("message").asText()).contains("--canary 150");
        assertThat(trafficByVersion()).isEqualTo(before);
        assertThat(repo.resolve(".mlship/bad/release")).doesNotExist();
    }

    @Test
    @Order(6)
    void anotherBuildOfTheSameCheckoutReleasesTheSameDigestWithoutANewRevision() throws Exception {
        JsonNode second = new ObjectMapper().readTree(repo.resolve(".mlship/second/release.json").toFile());
        String revision = deployment().getMetadata().getAnnotations().get("deployment.kubernetes.io/revision");
        int replicaSets = replicaSets();

        CliRun run = release("again", 11, "--model-version", "v2", "--approved-by", "bob");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = run.result("release");
        assertThat(result.path("imageDigest").asText()).as("rebuilt by another build: the same image")
                .isEqualTo(second.path("imageDigest").asText());
        Deployment d = deployment();
        assertThat(d.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", revision)
                .containsEntry("mlship.io/build-url", buildUrl(11)).containsEntry("mlship.io/approved-by", "bob");
        assertThat(replicaSets()).as("no new ReplicaSet").isEqualTo(replicaSets);
        JsonNode deploy = new ObjectMapper().readTree(repo.resolve(".mlship/again/release/deploy/deploy.json").toFile());
        assertThat(deploy.path("changes").asInt()).isZero();
        assertThat(deploy.path("objects").findValuesAsText("action")).isNotEmpty().containsOnly("unchanged");
        assertThat(deploy.path("revision").asText()).isEqualTo(deploy.path("previousRevision").asText()).isEqualTo(revision);
        assertThat(deploy.path("annotations").path("mlship.io/build-url").asText()).isEqualTo(buildUrl(11));
        JsonNode record = new ObjectMapper().readTree(Path.of(result.path("recordFile").asText()).toFile());
        assertThat(record.path("buildUrl").asText()).isEqualTo(buildUrl(11));
        assertThat(record.path("approvedBy").asText()).isEqualTo("bob");
        assertThat(serviceAnswer("lipstick")).contains("\"category\": \"lipstick\"");
    }

    /**
     * A fresh clone of the repository: no .mlship folder, so whatever it learns of earlier releases comes from the
     * environments' release state. Prod gets a namespace of its own (the sandbox has one cluster for both).
     */
    Path freshClone(String name) throws IOException {
        Path clone = repo.getParent().resolve(name);
        SpecFixtures.copyTree(EXAMPLE, clone);
        deleteTree(clone.resolve(".mlship"));
        Path spec = clone.resolve("mlship.yaml");
        Files.writeString(spec, Files.readString(spec).replace("    namespace: reco\n    host: reco.internal",
                "    namespace: reco-prod\n    host: reco.internal"));
        return clone;
    }

    CliRun releaseProd(Path clone, String name, String... extra) {
        Path out = clone.resolve(".mlship/" + name);
        List<String> args = new ArrayList<>(List.of("release", "--spec", clone.resolve("mlship.yaml").toString(),
                "--env", "prod", "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--result-dir", out.toString(), "--git-sha", SHA,
                "--build-url", buildUrl(20), "--approved-by", "carol"));
        args.addAll(List.of(extra));
        return CliRun.of(out, args.toArray(String[]::new));
    }

    @Test
    @Order(7)
    void prodFromAFreshCloneReleasesWhatPassedStagingWithoutBuilding() throws Exception {
        JsonNode staging = new ObjectMapper().readTree(repo.resolve(".mlship/again/release.json").toFile());
        Path clone = freshClone("prod-clone-a");

        String passed = staging.path("imageDigest").asText();
        CliRun resolved = releaseProd(clone, "resolve", "--resolve-only");
        CliRun run = releaseProd(clone, "prod", "--approved-image-digest", passed, "--approved-model-version", "v2",
                "--approval-reason", "weekly ranking update");

        assertThat(resolved.exitCode()).as(resolved.err()).isZero();
        assertThat(resolved.result("release").path("resolved").path("imageDigest").asText()).isEqualTo(passed);
        assertThat(resolved.result("release").path("resolved").path("modelVersion").asText()).isEqualTo("v2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode record = new ObjectMapper().readTree(Path.of(run.result("release").path("recordFile").asText()).toFile());
        assertThat(record.path("approval").toString()).isEqualTo("{\"by\":\"carol\",\"reason\":\"weekly ranking update\","
                + "\"imageDigest\":\"" + passed + "\",\"modelVersion\":\"v2\"}");
        assertThat(record.path("imageDigest").asText()).isEqualTo(staging.path("imageDigest").asText());
        assertThat(record.path("stages").get(0).path("name").asText()).isEqualTo("bless");
        assertThat(record.path("stages").get(1).path("status").asText()).as("no build").isEqualTo("skipped");
        assertThat(record.path("gated").path("from").asText()).isEqualTo("staging");
        assertThat(record.path("model").path("artifacts").asText()).contains("/reco-ranker/v2/");
        Deployment prod = sandbox.cluster().client().apps().deployments().inNamespace("reco-prod").withName("reco-service").get();
        assertThat(image(prod)).endsWith("@" + staging.path("imageDigest").asText());
    }

    @Test
    @Order(8)
    void prodRefusesADigestThatNeverPassedStagingUnlessForcedWithAReason() throws Exception {
        Path clone = freshClone("prod-clone-b");
        String never = "sha256:" + "0f".repeat(32);

        CliRun refused = releaseProd(clone, "never", "--image-digest", never);
        CliRun noReason = releaseProd(clone, "no-reason", "--image-digest", never, "--force-ungated");

        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("image " + never + " has not passed staging's gate", "--force-ungated --reason");
        assertThat(noReason.exitCode()).isEqualTo(2);
        assertThat(noReason.err()).contains("--force-ungated needs --reason");

        CliRun elsewhere = releaseProd(clone, "elsewhere", "--from-context", "no-such-context");
        assertThat(elsewhere.exitCode()).as("staging's verdicts are read through the context given").isNotZero();
        assertThat(elsewhere.err()).contains("no-such-context");
    }

    @Test
    @Order(9)
    void aRollbackFromAnotherFreshCloneRestoresProdAndHistoryKeepsBoth() throws Exception {
        Path clone = freshClone("prod-clone-c");
        Path kubeconfig = sandbox.cluster().writeKubeconfig(clone.resolve("kubeconfig"), "sandbox");
        Path out = clone.resolve(".mlship/rollback");

        CliRun back = CliRun.of(out, "deploy", "--spec", clone.resolve("mlship.yaml").toString(), "--env", "prod",
                "--rollback", "--kubeconfig", kubeconfig.toString(), "--context", "sandbox", "--result-dir", out.toString());

        assertThat(back.exitCode()).as(back.err()).isZero();
        // Prod ran nothing before its first release: the rollback removes what that release created.
        assertThat(sandbox.cluster().client().apps().deployments().inNamespace("reco-prod").withName("reco-service").get()).isNull();
        Path historyOut = clone.resolve(".mlship/history");
        CliRun history = CliRun.of(historyOut, "history", "--spec", clone.resolve("mlship.yaml").toString(), "--env", "staging",
                "--sandbox", state.toString(), "--result-dir", historyOut.toString());
        assertThat(history.exitCode()).as(history.err()).isZero();
        assertThat(history.out()).contains("release", "rolled-back");
        JsonNode prod = history(clone, "prod", null);
        assertThat(prod.path("rows")).extracting(r -> r.path("kind").asText()).as("the rollback run on its own is a line too")
                .containsExactly("release", "rollback-service");
        assertThat(prod.path("rows").get(1).path("imageDigest").isMissingNode()
                || prod.path("rows").get(1).path("imageDigest").isNull()).as("nothing ran before prod's first release").isTrue();
    }

    JsonNode history(Path clone, String env, Instant at) {
        Path out = clone.resolve(".mlship/history-" + env + (at == null ? "" : "-" + at.toEpochMilli()));
        List<String> args = new ArrayList<>(List.of("history", "--spec", clone.resolve("mlship.yaml").toString(), "--env", env,
                "--sandbox", state.toString(), "--result-dir", out.toString(), "--json"));
        if (at != null) {
            args.addAll(List.of("--at", at.toString()));
        }
        CliRun run = CliRun.of(out, args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run.result("history");
    }

    @Test
    @Order(10)
    void historyAtEachInstantIsWhatTheSandboxServedThen() {
        assertThat(seen).as("before the first release, and after each of three releases (one rolled back)").hasSize(4);
        for (Seen then : seen) {
            JsonNode serving = history(repo, "staging", then.at()).path("serving");
            if (then.imageDigest() == null) {
                assertThat(serving.isNull() || serving.isMissingNode()).as("nothing served before the first release").isTrue();
                continue;
            }
            assertThat(serving.path("imageDigest").asText()).as("image at " + then.at()).isEqualTo(then.imageDigest());
            assertThat(serving.path("modelVersion").asText()).as("model version at " + then.at()).isEqualTo(then.modelVersion());
            Map<String, List<String>> aliases = new java.util.TreeMap<>();
            serving.path("aliases").fields().forEachRemaining(e -> {
                List<String> names = new ArrayList<>();
                e.getValue().forEach(n -> names.add(n.asText()));
                if (!names.isEmpty()) {
                    aliases.put(e.getKey(), names);
                }
            });
            assertThat(aliases).as("aliases at " + then.at()).hasSameSizeAs(then.aliases());
            then.aliases().forEach((version, names) -> assertThat(aliases.get(version)).containsExactlyInAnyOrderElementsOf(names));
            Map<String, Integer> traffic = new java.util.TreeMap<>();
            serving.path("traffic").fields().forEachRemaining(e -> traffic.put(e.getKey(), e.getValue().asInt()));
            assertThat(traffic).as("traffic at " + then.at()).isEqualTo(new java.util.TreeMap<>(then.traffic()));
        }
        assertThat(seen.get(1).imageDigest()).as("the four instants differ where the releases changed something")
                .isEqualTo(seen.get(2).imageDigest()).isNotEqualTo(seen.get(3).imageDigest());
        assertThat(seen.get(2).modelVersion()).isNotEqualTo(seen.get(3).modelVersion());
    }

    /**
     * examples/model-only, served by the image staging runs now, on endpoints of its own, with its release state in
     * the sandbox's Cloud Storage (prod's under a prefix) and prod promoted from staging.
     */
    Path modelOnlyRepo() throws IOException {
        Path clone = repo.getParent().resolve("model-only");
        SpecFixtures.copyTree(Path.of("examples/model-only").toAbsolutePath(), clone);
        deleteTree(clone.resolve(".mlship"));
        Path spec = clone.resolve("mlship.yaml");
        String text = Files.readString(spec).replaceFirst("(?m)^(    image: ).*$", "$1" + image(deployment()))
                .replace("    endpoint: reco-staging\n", "    endpoint: model-staging\n")
                .replace("    endpoint: reco-prod\n", "    endpoint: model-prod\n    promoteFrom: staging\n")
                .replace("      bucket: ds-ml-release-state\n", "      bucket: ds-release-state\n")
                .replace("    promoteFrom: staging\n    state:\n      bucket: ds-release-state\n",
                        "    promoteFrom: staging\n    state:\n      bucket: ds-release-state\n      prefix: releases/\n");
        assertThat(text).contains("model-staging", "model-prod", "promoteFrom", "prefix: releases/").doesNotContain("ds-ml-release-state");
        Files.writeString(spec, text);
        return clone;
    }

    CliRun releaseModel(Path clone, String env, String name, String... extra) {
        Path out = clone.resolve(".mlship/" + name);
        List<String> args = new ArrayList<>(List.of("release", "--spec", clone.resolve("mlship.yaml").toString(),
                "--env", env, "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--result-dir", out.toString(), "--git-sha", SHA,
                "--build-url", buildUrl(30), "--approved-by", "dana"));
        args.addAll(List.of(extra));
        return CliRun.of(out, args.toArray(String[]::new));
    }

    @Test
    @Order(11)
    void aModelOnlySpecKeepsItsStateInCloudStorageAndProdTakesWhatPassedStaging() throws Exception {
        Path clone = modelOnlyRepo();

        CliRun staging = releaseModel(clone, "staging", "staging", "--model-version", "v1");
        assertThat(staging.exitCode()).as(staging.err()).isZero();
        assertThat(storageRoot.resolve("ds-release-state/reco-ranker-model/staging")).as("the verdict and history, in the bucket")
                .isDirectoryContaining(f -> f.getFileName().toString().equals("gates.json"))
                .isDirectoryContaining(f -> f.getFileName().toString().startsWith("journal-"));

        deleteTree(clone.resolve(".mlship")); // the prod release runs on another agent
        CliRun prod = releaseModel(clone, "prod", "prod");
        assertThat(prod.exitCode()).as(prod.err()).isZero();
        JsonNode record = new ObjectMapper().readTree(Path.of(prod.result("release").path("recordFile").asText()).toFile());
        assertThat(record.path("gated").path("from").asText()).isEqualTo("staging");
        assertThat(record.path("model").path("artifacts").asText()).contains("/reco-ranker/v1/");

        CliRun refused = releaseModel(clone, "prod", "refused", "--model-version", "v2");
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("v2", "has not passed staging's gate");

        CliRun forced = releaseModel(clone, "prod", "forced", "--model-version", "v2", "--force-ungated",
                "--reason", "INC-42: v1 ranks a recalled product");
        assertThat(forced.exitCode()).as(forced.err()).isZero();

        deleteTree(clone.resolve(".mlship"));
        JsonNode history = history(clone, "prod", null);
        assertThat(history.path("store").asText()).isEqualTo("gs://ds-release-state/releases/reco-ranker-model/prod/");
        JsonNode rows = history.path("rows");
        assertThat(rows).extracting(r -> r.path("kind").asText() + ":" + r.path("modelVersion").asText())
                .containsExactly("release:v1", "release:v2");
        assertThat(rows.get(1).path("reason").asText()).isEqualTo("INC-42: v1 ranks a recalled product");
        assertThat(rows.get(1).path("forcedUngated").asBoolean()).isTrue();
        assertThat(storageRoot.resolve("ds-release-state/releases/reco-ranker-model/prod")).isDirectory();
    }

    int replicaSets() {
        return sandbox.cluster().client().apps().replicaSets().inNamespace("reco").list().getItems().size();
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(x);
            }
        }
    }
}
