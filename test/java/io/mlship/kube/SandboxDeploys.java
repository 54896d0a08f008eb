package io.mlship.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What the deploy tests share: the sandbox's Kubernetes API with namespaces reco and storefront, its simulated
 * controllers (set up by each test), a kubeconfig with the staging cluster's GKE context, a repository folder, and
 * {@code mlship deploy} run against them.
 */
final class SandboxDeploys implements AutoCloseable {
    static final String NS = "reco";

    final SandboxCluster cluster;
    final KubernetesClient admin;
    final RolloutSimulator simulator;
    final Path kubeconfig;
    final Path repo;
    private final Path out;

    private SandboxDeploys(SandboxCluster cluster, RolloutSimulator simulator, Path kubeconfig, Path repo, Path out) {
        this.cluster = cluster;
        this.admin = cluster.client();
        this.simulator = simulator;
        this.kubeconfig = kubeconfig;
        this.repo = repo;
        this.out = out;
    }

    /** {@code controllers} sets the simulator up (behaviours per image, deadlines) before it starts. */
    static SandboxDeploys start(Path tmp, UnaryOperator<RolloutSimulator.Builder> controllers) throws Exception {
        SandboxCluster cluster = SandboxCluster.start().withNamespace(NS).withNamespace("storefront");
        RolloutSimulator simulator = controllers.apply(RolloutSimulator.builder(cluster.client(), NS)).build().start();
        return new SandboxDeploys(cluster, simulator, cluster.writeKubeconfig(tmp.resolve("kubeconfig"), DeployCommandTest.CONTEXT),
                SpecFixtures.repoIn(tmp.resolve("repo")), tmp.resolve("out"));
    }

    /** {@code mlship deploy} of {@code spec} to staging by {@code digest}, with short certificate and ingress waits. */
    CliRun deploy(Path spec, String digest, String... extra) {
        List<String> args = new ArrayList<>(List.of("deploy", "--spec", spec.toString(), "--env", "staging",
                "--kubeconfig", kubeconfig.toString(), "--result-dir", out.toString(), "--git-sha", "0123abc",
                "--certificate-timeout", "10s", "--ingress-timeout", "10s", "--image-digest", digest));
        args.addAll(List.of(extra));
        return CliRun.of(out, args.toArray(String[]::new));
    }

    @Override
    public void close() {
        simulator.close();
        cluster.close();
    }
}
