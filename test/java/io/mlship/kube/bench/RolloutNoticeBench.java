package io.mlship.kube.bench;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.kube.rollout.RolloutOutcome;
import io.mlship.kube.rollout.RolloutWatcher;
import io.mlship.progress.Progress;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * How long mlship's rollout watch takes to notice that the API reports a rollout complete: the simulator
 * notes the instant just before it writes the completed Deployment status; the watcher notes when it decides.
 * Run by bench/deploy/run (see bench/deploy/README.md); writes a small report (key: value lines).
 */
public final class RolloutNoticeBench {
    private static final String NS = "bench";

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/work/deploy/raw/rollout-noticed.txt");
        int rollouts = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Progress quiet = Progress.silent();
        List<Long> micros = new ArrayList<>();
        try (SandboxCluster cluster = SandboxCluster.start().withNamespace(NS);
             RolloutSimulator simulator = RolloutSimulator.builder(cluster.client(), NS).build().start()) {
            KubernetesClient client = cluster.client();
            BlockingQueue<Instant> reported = new ArrayBlockingQueue<>(rollouts + 1);
            simulator.onRolloutComplete(reported::add);
            Map<String, String> selector = Map.of("app.kubernetes.io/name", "bench");
            client.apps().deployments().inNamespace(NS).resource(deployment(selector, image(0))).create();
            try (RolloutWatcher watcher = new RolloutWatcher(client, NS, "bench", selector, quiet)) {
                check(watcher.await(image(0), Duration.ofSeconds(30), Duration.ofSeconds(30)));
                reported.poll(5, TimeUnit.SECONDS);
                for (int i = 1; i <= rollouts; i++) {
                    String image = image(i);
                    client.apps().deployments().inNamespace(NS).withName("bench").edit(d -> new DeploymentBuilder(d)
                            .editSpec().editTemplate().editSpec().editFirstContainer().withImage(image).endContainer()
                            .endSpec().endTemplate().endSpec().build());
                    RolloutOutcome outcome = watcher.await(image, Duration.ofSeconds(30), Duration.ofSeconds(30));
                    check(outcome);
                    Instant at = reported.poll(5, TimeUnit.SECONDS);
                    if (at == null) {
                        throw new IllegalStateException("the simulator did not report rollout " + i);
                    }
                    micros.add(Duration.between(at, outcome.noticedAt()).toNanos() / 1000);
                }
            }
        }
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        String report = String.format(java.util.Locale.ROOT,
                "rollout-complete → noticed by mlship (RolloutWatcher, informers) on the in-process API%n"
                        + "date: %s%njava: %s%nrollouts: %d%n"
                        + "p50_ms: %.1f%np90_ms: %.1f%np99_ms: %.1f%nmax_ms: %.1f%ntarget_ms: 1000%nverdict: %s%n",
                Instant.now(), System.getProperty("java.version"), sorted.size(),
                pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted.get(sorted.size() - 1) / 1000.0,
                sorted.get(sorted.size() - 1) <= 1_000_000 ? "PASS (max ≤ 1 s)" : "FAIL (max > 1 s)");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report, StandardCharsets.UTF_8);
        System.out.print(report);
        System.exit(0); // the mock server's vert.x threads are not daemons
    }

    private static double pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, i)) / 1000.0;
    }

    private static void check(RolloutOutcome o) {
        if (!o.available()) {
            throw new IllegalStateException("rollout did not complete: " + o.reason());
        }
    }

    private static String image(int i) {
        return "registry.example/bench@sha256:" + String.format("%064x", i);
    }

    private static Deployment deployment(Map<String, String> selector, String image) {
        return new DeploymentBuilder().withNewMetadata().withName("bench").withNamespace(NS).endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().withMatchLabels(selector).endSelector()
                .withNewTemplate().withNewMetadata().withLabels(selector).endMetadata()
                .withNewSpec().addNewContainer().withName("server").withImage(image).endContainer().endSpec()
                .endTemplate().endSpec().build();
    }
}
