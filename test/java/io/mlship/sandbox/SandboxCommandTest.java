package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.aiplatform.v1.LocationName;
import io.mlship.cli.CliRun;
import io.mlship.model.VertexClients;
import io.mlship.model.VertexTarget;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mlship sandbox up|status|down: a detached process, one JSON object, and a clean stop. */
class SandboxCommandTest {

    @TempDir
    Path tmp;

    @Test
    void upPrintsHowToReachItStatusAgreesAndDownStopsIt() throws Exception {
        Path state = tmp.resolve("state");
        CliRun up = CliRun.of(tmp, "sandbox", "up", "--state", state.toString());
        try {
            assertThat(up.exitCode()).as(up.err()).isZero();
            JsonNode info = new ObjectMapper().readTree(up.out());
            assertThat(info.get("vertexGrpc").asText()).startsWith("127.0.0.1:");
            assertThat(info.get("vertexRest").asText()).startsWith("http://127.0.0.1:");
            assertThat(info.get("storageRoot").asText()).isEqualTo(state.resolve("storage").toString());
            assertThat(info.has("kubeconfig")).isTrue();
            assertThat(info.get("kubeconfig").isNull()).isTrue();

            try (VertexClients vertex = new VertexClients(VertexTarget.emulator(info.get("vertexGrpc").asText()),
                    Duration.ofSeconds(10))) {
                assertThat(vertex.models().listModels(LocationName.of("p", "europe-west4")).iterateAll()).isEmpty();
            }
            CliRun again = CliRun.of(tmp, "sandbox", "up", "--state", state.toString());
            assertThat(new ObjectMapper().readTree(again.out())).isEqualTo(info);
            CliRun status = CliRun.of(tmp, "sandbox", "status", "--state", state.toString());
            assertThat(status.exitCode()).isZero();
            assertThat(new ObjectMapper().readTree(status.out())).isEqualTo(info);
        } finally {
            CliRun down = CliRun.of(tmp, "sandbox", "down", "--state", state.toString());
            assertThat(down.exitCode()).as(down.err()).isZero();
        }
        CliRun after = CliRun.of(tmp, "sandbox", "status", "--state", state.toString());
        assertThat(after.exitCode()).isEqualTo(3);
        assertThat(after.err()).contains("not running");
    }
}
