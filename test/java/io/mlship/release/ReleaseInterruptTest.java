package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListModelVersionsRequest;
import com.google.cloud.aiplatform.v1.Model;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mlship.cli.CliRun;
import io.mlship.model.VertexClients;
import io.mlship.model.VertexApi;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.spec.SpecFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A release build aborted (SIGTERM, as Jenkins sends when a build is stopped) at each stage of the release,
 * then run again: the re-run converges to a correct state — the Deployment on the re-run's image and available,
 * all traffic on one model version that passed its gate, the prod alias on it and nowhere else, one model version
 * per artifact set, and the release lock given back (the stopped build let go of it on its way out).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseInterruptTest {
    static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    static final String MODEL = "projects/ds-ml-staging/locations/europe-west4/models/reco-ranker";

    Path repo;
    Path state;
    Sandbox sandbox;
    VertexClients vertex;
    int run;

    @BeforeAll
    void start(@TempDir Path tmp) throws IOException {
        repo = tmp.resolve("reco-service");
        SpecFixtures.copyTree(EXAMPLE, repo);
        ReleaseSandboxTest.deleteTree(repo.resolve(".mlship"));
        state = tmp.resolve("sandbox");
        SandboxStateDir stateDir = new SandboxStateDir(state);
        for (String v : List.of("v1", "v2")) {
            SpecFixtures.copyTree(repo.resolve("training-output/reco-ranker/" + v),
                    stateDir.storageRoot().resolve("ds-training-output/reco-ranker/" + v));
        }
        sandbox = Sandbox.start(stateDir);
        sandbox.publish();
        vertex = new VertexClients(VertexApi.emulator(sandbox.info().vertexGrpc()), Duration.ofSeconds(20));
        CliRun first = CliRun.of(out("first"), args("first", "v1").toArray(String[]::new));
        assertThat(first.exitCode()).as(first.err()).isZero();
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

    Path out(String name) {
        return repo.resolve(".mlship/" + name);
    }

    List<String> args(String name, String version) {
        return new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--result-dir", out(name).toString(), "--git-sha", "0123456789abcdef",
                "--model-version", version, "--lock-timeout", "20s"));
    }

    @ParameterizedTest(name = "stopped in {0}, then run again")
    @CsvSource({"build, v2", "deploy, v1", "promote, v2", "gate-vertex, v1", "shift, v2"})
    void aStoppedReleaseRunAgainConverges(String stage, String version) throws Exception {
        String name = "stopped-" + stage + "-" + (run++);
        // A code change each time, so every release rolls out a new image and the deploy has work to be stopped in.
        Path server = repo.resolve("src/reco/server.py");
        Files.writeString(server, Files.readString(server) + "\n# candidate " + name + "\n");
        Process p = startCli(args(name, version));
        String seen = awaitLine(p, "▶ " + stage, Duration.ofSeconds(120));
        Thread.sleep(stage.equals("shift") || stage.equals("build") ? 150 : 400); // inside the stage: work under way
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the CLI stops on SIGTERM").isTrue();
        assertThat(p.exitValue()).as("stopped, not finished: " + seen).isNotZero();

        CliRun again = CliRun.of(out(name), args(name, version).toArray(String[]::new));

        assertThat(again.exitCode()).as(again.err()).isZero();
        String released = again.result("release").path("modelVersionId").asText();
        assertThat(trafficByVersion()).isEqualTo(Map.of(released, 100));
        Map<String, List<String>> aliases = aliases();
        assertThat(aliases.get(released)).contains("prod");
        assertThat(aliases.entrySet().stream().filter(e -> e.getValue().contains("prod")).count()).isEqualTo(1);
        assertThat(aliases.keySet()).as("one model version per artifact set (v1, v2)").hasSize(2);
        String digest = again.result("release").path("imageDigest").asText();
        Deployment d = sandbox.cluster().client().apps().deployments().inNamespace("reco").withName("reco-service").get();
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).endsWith("@" + digest);
        assertThat(d.getStatus().getAvailableReplicas()).isPositive();
        assertThat(again.err()).as("the stopped build gave the lock back").doesNotContain("waiting for the release lock");
        assertThat(sandbox.cluster().client().leases().inNamespace("reco").list().getItems()).isEmpty();
    }

    static Process startCli(List<String> cliArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.mlship.cli.Main"));
        cmd.addAll(cliArgs);
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** Reads the CLI's console until a line contains {@code marker}; returns what it printed so far. */
    static String awaitLine(Process p, String marker, Duration timeout) throws Exception {
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Boolean> found = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                boolean hit = false;
                while ((line = r.readLine()) != null) {
                    synchronized (seen) {
                        seen.append(line).append('\n');
                    }
                    if (!hit && line.contains(marker)) {
                        hit = true;
                        return true;
                    }
                }
                return false;
            } catch (IOException e) {
                return false;
            }
        });
        boolean hit = found.get(timeout.toSeconds(), TimeUnit.SECONDS);
        // Keep draining so the CLI never blocks on a full pipe.
        CompletableFuture.runAsync(() -> {
            try {
                p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException ignored) {
                // the process ended
            }
        });
        synchronized (seen) {
            assertThat(hit).as("the CLI reached '" + marker + "'; it printed:\n" + seen).isTrue();
            return seen.toString();
        }
    }

    Map<String, List<String>> aliases() {
        Map<String, List<String>> out = new HashMap<>();
        for (Model m : vertex.models().listModelVersions(ListModelVersionsRequest.newBuilder().setName(MODEL).build()).iterateAll()) {
            out.put(m.getVersionId(), m.getVersionAliasesList());
        }
        return out;
    }

    Map<String, Integer> trafficByVersion() {
        Endpoint e = StreamSupport.stream(vertex.endpoints().listEndpoints("projects/ds-ml-staging/locations/europe-west4")
                .iterateAll().spliterator(), false).filter(x -> x.getDisplayName().equals("reco-staging")).findFirst().orElseThrow();
        Map<String, Integer> out = new HashMap<>();
        e.getDeployedModelsList().forEach(d -> out.put(d.getModelVersionId(), e.getTrafficSplitMap().getOrDefault(d.getId(), 0)));
        return out;
    }
}
