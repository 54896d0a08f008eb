package io.mlship.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.kube.connect.GkeClusters;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.DeployStage;
import io.mlship.kube.manifest.ReleaseLabels;
import io.mlship.progress.Progress;
import io.mlship.sandbox.kube.Behaviour;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.SpecFixtures;
import io.mlship.spec.SpecLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step of deploy.canary on the sandbox's API with its simulated controllers: the candidate comes up beside stable
 * with its share of the host, and goes again; a broken one is removed at once. Stable's Deployment is never
 * written: its generation and pod template stay as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CanaryStepTest {
    static final String NS = "reco";
    static final String CONTEXT = "gke_ds-apps-staging_europe-west4_apps-staging";
    static final ImageDigest STABLE = new ImageDigest(DeployCommandTest.digest('1'));
    static final ImageDigest GOOD = new ImageDigest(DeployCommandTest.digest('2'));
    static final ImageDigest CRASHES = new ImageDigest(DeployCommandTest.digest('c'));

    Path tmp;
    SandboxCluster cluster;
    KubernetesClient admin;
    RolloutSimulator simulator;
    Path kubeconfig;
    EnvironmentView staging;
    DeployStage stage;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        cluster = SandboxCluster.start().withNamespace(NS).withNamespace("storefront");
        admin = cluster.client();
        simulator = RolloutSimulator.builder(admin, NS).behaviour(CRASHES.value(), Behaviour.CRASH_LOOP)
                .progressDeadline(Duration.ofMillis(300)).build().start();
        kubeconfig = cluster.writeKubeconfig(tmp.resolve("kubeconfig"), CONTEXT);
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        Path spec = SpecFixtures.write(repo, "mlship.yaml", SpecFixtures.read(Path.of("test/resources/deploy/mlship.yaml"))
                .replaceFirst("(?m)^deploy:\n", "deploy:\n  canary:\n    steps: [10, 50]\n"));
        staging = EnvironmentView.of(new SpecLoader(new ObjectMapper()).load(spec, repo), "staging");
        stage = new DeployStage(new GkeClusters(Map.of()), new ObjectMapper(), new PrintStream(java.io.OutputStream.nullOutputStream()),
                Progress.silent());
        DeployOutcome first = stage.run(input(STABLE));
        assertThat(first.succeeded()).as(String.valueOf(first.failure())).isTrue();
    }

    @AfterAll
    void stop() {
        simulator.close();
        cluster.close();
    }

    DeployInput input(ImageDigest digest) {
        return DeployInput.of(staging, digest, tmp.resolve("deploy-staging.json")).withCluster(kubeconfig.toString(), CONTEXT)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), null);
    }

    Deployment stable() {
        return admin.apps().deployments().inNamespace(NS).withName("reco-service").get();
    }

    List<String> candidateObjects() {
        List<String> out = new ArrayList<>();
        Map<String, String> owned = ReleaseLabels.owned("reco-service-canary");
        for (var kind : io.mlship.kube.apply.KindTable.all()) {
            for (HasMetadata o : admin.genericKubernetesResources(kind).inNamespace(NS).withLabels(owned).list().getItems()) {
                out.add(o.getKind() + "/" + o.getMetadata().getName());
            }
        }
        return out;
    }

    @Test
    void aGoodCandidateComesUpBesideStableWithItsShareAndGoesAgainLeavingStableUntouched() {
        Deployment before = stable();

        var step = stage.canaryStep(input(GOOD), 10);

        assertThat(step.succeeded()).as(String.valueOf(step.failure())).isTrue();
        Deployment candidate = admin.apps().deployments().inNamespace(NS).withName("reco-service-canary").get();
        assertThat(candidate.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).endsWith("@" + GOOD.value());
        assertThat(candidate.getStatus().getAvailableReplicas()).isEqualTo(1);
        var canaryIngress = admin.network().v1().ingresses().inNamespace(NS).withName("reco-service-canary").get();
        assertThat(canaryIngress.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/canary-weight", "10");
        assertThat(stable().getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertThat(stable().getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());

        assertThat(stage.removeCandidate(input(null)).removed()).contains("Ingress/reco-service-canary",
                "Deployment/reco-service-canary", "Service/reco-service-canary");

        assertThat(candidateObjects()).isEmpty();
        assertThat(stable().getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertThat(admin.network().v1().ingresses().inNamespace(NS).withName("reco-service").get()).as("stable's route stays").isNotNull();
    }

    @Test
    void aBrokenCandidateFailsItsStepAndLeavesNothingBehind() {
        Deployment before = stable();

        var step = stage.canaryStep(input(CRASHES), 10);

        assertThat(step.succeeded()).isFalse();
        assertThat(step.failure().getMessage()).containsIgnoringCase("crash");
        assertThat(candidateObjects()).isEmpty();
        assertThat(stable().getMetadata().getGeneration()).isEqualTo(before.getMetadata().getGeneration());
        assertThat(stable().getSpec().getTemplate()).isEqualTo(before.getSpec().getTemplate());
    }

    @Test
    void removingWhatAnInterruptedStepLeftConvergesAndRemovingNothingChangesNothing() {
        assertThat(stage.canaryStep(input(GOOD), 50).succeeded()).isTrue();

        assertThat(stage.removeCandidate(input(null)).removed()).isNotEmpty();
        assertThat(stage.removeCandidate(input(null)).removed()).as("nothing left to remove").isEmpty();

        assertThat(candidateObjects()).isEmpty();
    }
}
