package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mlship.cli.ConsoleProgress;
import io.mlship.image.BuildInput;
import io.mlship.image.BuildOutcome;
import io.mlship.image.BuildStage;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.DeployStage;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.model.PromotionInput;
import io.mlship.model.PromotionInput.Action;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.model.PromotionStage;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.sandbox.RunningSandbox;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxClusters;
import io.mlship.sandbox.SandboxModels;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import io.mlship.smoke.GateStage;
import io.mlship.smoke.targets.VertexPredictorFactory;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.SpecFixtures;
import io.mlship.spec.SpecLoader;
import io.mlship.spec.TrafficShare;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each capability stage built directly, with the sandbox's adapters, and run on the example: what one stage's
 * typed outcome says is what the next one needs, and what the sandbox then holds. No CLI in between.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StagesOnSandboxTest {
    static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    Path tmp;
    Path repo;
    Sandbox sandbox;
    EnvironmentView staging;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final PrintStream log = new PrintStream(console, true, StandardCharsets.UTF_8);
    final List<BuildOutcome> builds = new ArrayList<>();
    DeployOutcome deployed;
    PromotionRecord promoted;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        repo = tmp.resolve("repo");
        SpecFixtures.copyTree(EXAMPLE, repo);
        SandboxStateDir state = new SandboxStateDir(tmp.resolve("sandbox"));
        SpecFixtures.copyTree(repo.resolve("training-output/reco-ranker/v1"),
                state.storageRoot().resolve("ds-training-output/reco-ranker/v1"));
        sandbox = Sandbox.start(state);
        sandbox.publish();
        staging = EnvironmentView.of(new SpecLoader(JSON).load(repo.resolve("mlship.yaml"), null), "staging");
        // As a release does first: the sandbox stands in for provisioning the environment's namespace.
        assertThat(new SandboxClusters(running(), System.getenv()).prepareNamespace(sandbox.cluster().client(),
                staging.namespace())).isTrue();
    }

    @AfterAll
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    /** Lines as the CLI shows them, kept for the assertions' messages. */
    Progress progress(String stage) {
        return ConsoleProgress.forStage(log, stage);
    }

    RunningSandbox running() {
        return new RunningSandbox(tmp.resolve("sandbox"));
    }

    BuildOutcome build(String name) throws Exception {
        Path tar = Path.of(sandbox.info().imagesDir()).resolve(name + ".tar");
        BuildInput in = BuildInput.of(staging, repo, tmp.resolve("cache")).withTarOutput(tar).withBase("scratch")
                .withGit("0123456789abcdef0123456789abcdef01234567", "main", null);
        return new BuildStage(JSON, "test", progress("build")).run(in);
    }

    DeployStage deploys() {
        return new DeployStage(new SandboxClusters(running(), System.getenv()), JSON, log, progress("deploy"));
    }

    @Test
    @Order(1)
    void theSameCheckoutBuildsTheSameDigest() throws Exception {
        builds.add(build("first"));
        builds.add(build("again"));

        assertThat(builds.get(0).digest()).isEqualTo(builds.get(1).digest());
        assertThat(builds.get(0).imageRef()).isEqualTo(staging.imageRepository() + "@" + builds.get(0).digest());
        assertThat(builds.get(0).labels()).containsKey("io.mlship.spec-hash");
        assertThat(builds.get(0).resultFields()).containsEntry("digest", builds.get(0).digest().value());
    }

    @Test
    @Order(2)
    void theBuiltDigestDeploysAndTheOutcomeSaysWhereTheServiceAnswers() throws Exception {
        Path record = tmp.resolve("deploy-record.json");
        deployed = deploys().run(DeployInput.of(staging, builds.get(0).digest(), record));

        assertThat(deployed.succeeded()).as(console.toString(StandardCharsets.UTF_8)).isTrue();
        assertThat(deployed.changes()).isPositive();
        // As on GKE: the environment's host, over HTTPS with the certificate the sandbox's cert-manager issued.
        assertThat(deployed.serviceUrl()).startsWith("https://reco.staging.internal.example.com:");
        Deployment d = sandbox.cluster().client().apps().deployments().inNamespace(staging.namespace())
                .withName(staging.service()).get();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(deployed.image())
                .endsWith("@" + builds.get(0).digest());
        assertThat(record).as("what the deploy replaced, kept before the first write").exists();

        DeployOutcome again = deploys().run(DeployInput.of(staging, builds.get(0).digest(), record));
        assertThat(again.changes()).as("the same release again changes nothing").isZero();
        assertThat(again.releaseId()).isEqualTo(deployed.releaseId());
    }

    @Test
    @Order(3)
    void theServiceGatePassesAgainstTheAddressTheDeployGave() throws Exception {
        Path dir = tmp.resolve("gate-service");
        GateInput in = new GateInput(staging, false, URI.create(deployed.serviceUrl()), repo.resolve("smoke/cases.yaml"),
                null, null, 1, dir.resolve("junit.xml"), dir.resolve("report.html"), dir.resolve("smoke.json"),
                new GateInput.Connection(io.mlship.smoke.tls.GateTls.of(null, repo, Path.of(sandbox.info().caFile())), false,
                        java.net.InetAddress.getByName(sandbox.info().ingressAddress())));

        GateOutcome gate = new GateStage(this::noVertex, JSON, progress("smoke")).run(in);

        assertThat(gate.succeeded()).as(gate.resultFields().toString()).isTrue();
        assertThat(gate.result().cases()).isNotEmpty();
        assertThat(dir.resolve("junit.xml")).exists();
    }

    /**
     * The sandbox's cert-manager issues a real certificate for the environment's host from the sandbox CA, and its
     * ingress serves the host over HTTPS with it: mlship smoke passes with the CA given and, without it, stops with
     * exit 3 naming the certificate problem — not a failed gate.
     */
    @Test
    @Order(3)
    void theHttpsHostSignedByTheSandboxCaPassesWithTheCaAndIsAnInfrastructureErrorWithoutIt() throws Exception {
        var client = sandbox.cluster().client();
        var secret = client.secrets().inNamespace(staging.namespace()).withName("reco-service-tls")
                .waitUntilCondition(x -> x != null && x.getData() != null && x.getData().containsKey("tls.crt"), 30, TimeUnit.SECONDS);
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");
        var ingress = client.network().v1().ingresses().inNamespace(staging.namespace()).withName("reco-service")
                .waitUntilCondition(i -> i != null && i.getMetadata().getAnnotations() != null
                        && i.getMetadata().getAnnotations().containsKey(RolloutSimulator.HTTPS_URL_ANNOTATION), 30, TimeUnit.SECONDS);
        String https = ingress.getMetadata().getAnnotations().get(RolloutSimulator.HTTPS_URL_ANNOTATION);
        assertThat(https).startsWith("https://reco.staging.internal.example.com:");
        assertThat(sandbox.info().caFile()).endsWith("ca.crt");

        Path out = tmp.resolve("smoke-https");
        CliRun trusted = CliRun.of(out, "smoke", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--target", https, "--sandbox", tmp.resolve("sandbox").toString(), "--ca-file", sandbox.info().caFile(),
                "--image-digest", builds.get(0).digest().value(), "--result-dir", out.toString());
        assertThat(trusted.exitCode()).as(trusted.err()).isZero();
        assertThat(trusted.result("smoke").path("verdict").asText()).isEqualTo("passed");
        assertThat(trusted.result("smoke").path("thresholds")).filteredOn(t -> t.path("name").asText().equals("imageDigest"))
                .singleElement().satisfies(t -> assertThat(t.path("actual").asText())
                        .as("the deployed pods name their image").startsWith(builds.get(0).digest().value() + ": "));

        Path out2 = tmp.resolve("smoke-https-untrusted");
        CliRun untrusted = CliRun.of(out2, "smoke", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--target", https, "--sandbox", tmp.resolve("sandbox").toString(), "--result-dir", out2.toString());
        assertThat(untrusted.exitCode()).as(untrusted.err()).isEqualTo(3);
        JsonNode error = untrusted.result("smoke").path("errorDetails");
        assertThat(error.path("category").asText()).isEqualTo("infrastructure");
        assertThat(error.path("message").asText()).isEqualTo("the certificate of reco.staging.internal.example.com is "
                + "signed by an unknown CA (O=mlship sandbox,CN=mlship sandbox CA)");
        assertThat(error.path("hint").asText()).contains("--ca-file").contains("smoke.tls.caFile");
    }

    @Test
    @Order(4)
    void aPromotionDeploysTheCanaryShareAndItsGateHearsOnlyThePromotedVersion() throws Exception {
        PromotionStage promotions = new PromotionStage(new SandboxModels(running()), JSON, progress("promote"));
        Path record = tmp.resolve("promote-record.json");
        List<PromotionRecord> checkpoints = new ArrayList<>();
        PromotionOutcome p = promotions.run(PromotionInput.of(staging, Action.PROMOTE, record)
                .withModel(null, "v1", new TrafficShare(100)).withProvenance(builds.get(0).digest(), null, null), checkpoints::add);

        assertThat(p.succeeded()).as(console.toString(StandardCharsets.UTF_8)).isTrue();
        promoted = p.record();
        assertThat(promoted.trafficSplit().values()).containsExactly(100);
        assertThat(checkpoints).as("each operation's name was saved while it ran").isNotEmpty();
        assertThat(record).exists();

        Path dir = tmp.resolve("gate-vertex");
        GateInput gateIn = new GateInput(staging, true, null, repo.resolve("smoke/prediction-cases.yaml"), null,
                promoted.modelVersionId(), 100, dir.resolve("junit.xml"), dir.resolve("report.html"), dir.resolve("smoke.json"));
        GateOutcome gate = new GateStage(this::emulator, JSON, progress("smoke")).run(gateIn);
        assertThat(gate.succeeded()).as(gate.resultFields().toString()).isTrue();

        PromotionOutcome shifted = promotions.run(PromotionInput.of(staging, Action.SHIFT, record), rec -> { });
        assertThat(shifted.succeeded()).isTrue();
        assertThat(shifted.record().aliases().get(promoted.modelVersionId())).contains("prod");
    }

    @Test
    @Order(5)
    void aRollbackOfTheServicePutsBackWhatRanBefore() throws Exception {
        ServiceRollback back = deploys().rollBack(DeployInput.of(staging, null, tmp.resolve("deploy-record.json")));

        assertThat(back.restoredImage()).as("the first deploy created the objects: nothing ran before").isNull();
        assertThat(sandbox.cluster().client().apps().deployments().inNamespace(staging.namespace())
                .withName(staging.service()).get()).as("objects this release created are removed").isNull();
    }

    @Test
    @Order(6)
    void aDeployWithoutADigestIsRefusedBeforeTheClusterIsAsked() {
        assertThatThrownBy(() -> deploys().run(DeployInput.of(staging, null, tmp.resolve("unused.json"))))
                .isInstanceOf(MlshipException.class).hasMessageContaining("releases deploy by digest, never by tag");
    }

    io.mlship.smoke.targets.VertexPredictor noVertex(String project, String region, String endpoint,
                                                     java.time.Duration timeout) {
        throw new AssertionError("the service's gate opened the Vertex AI endpoint");
    }

    io.mlship.smoke.targets.VertexPredictor emulator(String project, String region, String endpoint,
                                                     java.time.Duration timeout) throws Exception {
        return ServiceLoader.load(VertexPredictorFactory.class).findFirst().orElseThrow()
                .open(project, region, endpoint, sandbox.info().vertexGrpc(), timeout);
    }
}
