package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.spec.SpecFixtures;
import io.mlship.kube.state.ConfigMapStateStore;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.state.Journal;
import io.mlship.state.JournalEntry;
import io.mlship.state.Serving;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A spec that deploys keeps its journal in ConfigMaps in its namespace: the command reads them through the
 * kubeconfig it is given, from a workspace that holds nothing. One sandbox API server; a namespace per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryCommandTest {
    private static final String D1 = "sha256:" + "1a2b3c4d5e6f".repeat(5) + "abcd";
    private static final String D2 = "sha256:" + "9f8e7d6c5b4a".repeat(5) + "dcba";

    @TempDir
    Path tmp;

    private Path spec;
    private SandboxCluster cluster;
    private Path kubeconfig;
    private String namespace;
    private int tests;

    @BeforeAll
    void startCluster(@TempDir Path dir) throws java.io.IOException {
        cluster = SandboxCluster.start();
        kubeconfig = cluster.writeKubeconfig(dir.resolve("kubeconfig"), "sandbox");
    }

    @AfterAll
    void stopCluster() {
        cluster.close();
    }

    @BeforeEach
    void writeSpec() {
        namespace = "history-" + (++tests);
        cluster.withNamespace(namespace);
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        spec = SpecFixtures.write(repo, "mlship.yaml", SpecFixtures.validSpec().replace("namespace: reco", "namespace: " + namespace));
    }

    /** The journal the release flow would have left in the workspace: a release, then a rollback of the service. */
    private void twoChanges() {
        Journal journal = new Journal(new ConfigMapStateStore(cluster.client(), namespace, "reco-service", "staging"), new ObjectMapper(),
                Clock.systemUTC());
        Serving released = new Serving(D1, "v1", "11", Map.of("11", List.of("default", "prod")), Map.of("901", 100));
        journal.append(JournalEntry.of("release", released).stamped(Instant.parse("2026-12-01T09:00:00Z"))
                .by("r1", "https://ci.example.com/job/reco/41/", "https://ci.example.com/job/reco/41/"));
        journal.append(JournalEntry.of("rollback-service", released.withImage(D2)).stamped(Instant.parse("2026-12-02T09:00:00Z"))
                .by("r2", null, "alice@laptop").because("pods crash", null));
    }

    private CliRun history(String... extra) {
        String[] base = {"history", "--spec", spec.toString(), "--env", "staging", "--result-dir", tmp.resolve("out").toString(),
                "--kubeconfig", kubeconfig.toString(), "--context", "sandbox"};
        return CliRun.of(tmp.resolve("out"), Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new));
    }

    @Test
    void showsEveryChangeAsATableAndWritesTheRowsToTheResult() {
        twoChanges();
        AtomicInteger specReads = new AtomicInteger();
        CliRun run = CliRun.of(tmp.resolve("out"), reader -> (file, root) -> {
            specReads.incrementAndGet();
            return reader.load(file, root);
        }, "history", "--spec", spec.toString(), "--env", "staging", "--result-dir", tmp.resolve("out").toString(),
                "--kubeconfig", kubeconfig.toString(), "--context", "sandbox");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(specReads).hasValue(1);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("AT +KIND +RELEASE +IMAGE +MODEL VERSION +TRAFFIC +WHO +BUILD");
        assertThat(lines.get(1)).matches("2026-12-01T09:00:00Z +release +r1 +sha256:1a2b3c4d5e6f +v1 +901:100% +"
                + "https://ci.example.com/job/reco/41/ +https://ci.example.com/job/reco/41/");
        assertThat(lines.get(2)).matches("2026-12-02T09:00:00Z +rollback-service +r2 +sha256:9f8e7d6c5b4a +v1 +901:100% +"
                + "alice@laptop +<none>");
        // Columns line up, as in kubectl's tables.
        assertThat(lines.get(1).indexOf("sha256:")).isEqualTo(lines.get(0).indexOf("IMAGE"));

        JsonNode result = run.result("history");
        assertThat(result.path("exitCode").asInt()).isZero();
        assertThat(result.path("changes").asInt()).isEqualTo(2);
        assertThat(result.path("store").asText()).contains("ConfigMaps", namespace);
        assertThat(result.path("rows")).hasSize(2);
        assertThat(result.path("rows").get(1).path("imageDigest").asText()).isEqualTo(D2);
        assertThat(result.path("rows").get(1).path("reason").asText()).isEqualTo("pods crash");
    }

    @Test
    void atAnInstantShowsWhatServedThenAndJsonPrintsTheResult() throws Exception {
        twoChanges();

        CliRun text = history("--at", "2026-12-01T12:00:00Z");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("Serving in staging at 2026-12-01T12:00:00Z (since 2026-12-01T09:00:00Z, release r1 by ")
                .contains("Image:         " + D1).contains("Model version: v1 (Vertex AI version 11)")
                .contains("Aliases:       11=default+prod").contains("Traffic:       901:100%");

        CliRun json = history("--at", "2026-12-03T11:00:00+01:00", "--json");
        assertThat(json.exitCode()).as(json.err()).isZero();
        JsonNode printed = new ObjectMapper().readTree(json.out());
        assertThat(printed.path("at").asText()).isEqualTo("2026-12-03T10:00:00Z");
        assertThat(printed.path("serving").path("imageDigest").asText()).isEqualTo(D2);
        assertThat(printed.path("serving").path("traffic").path("901").asInt()).isEqualTo(100);
        assertThat(printed.path("rows")).hasSize(1);
        assertThat(json.result("history").path("serving").path("imageDigest").asText()).isEqualTo(D2);

        CliRun before = history("--at", "2026-11-30T00:00:00Z");
        assertThat(before.exitCode()).isZero();
        assertThat(before.out()).contains("Nothing served in environment staging at 2026-11-30T00:00:00Z as far as recorded: "
                + "the first change is at 2026-12-01T09:00:00Z");
        assertThat(before.result("history").path("rows")).isEmpty();
    }

    @Test
    void aTimeThatIsNotAnInstantIsBadInputNamingTheOptionAndTheFormat() {
        CliRun run = history("--at", "yesterday");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--at 'yesterday' is not an instant")
                .contains("write an ISO-8601 instant, e.g. --at 2026-12-04T10:00:00Z");
        assertThat(run.result("history").path("errorDetails").path("message").asText()).contains("--at 'yesterday'");
    }

    @Test
    void anEmptyJournalSaysSoAndSucceeds() {
        CliRun run = history();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("No changes recorded for environment staging in ");
        assertThat(run.result("history").path("changes").asInt()).isZero();
        assertThat(run.result("history").path("rows")).isEmpty();
    }
}
