package io.mlship.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.aiplatform.v1.ListModelVersionsRequest;
import com.google.cloud.aiplatform.v1.Model;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.ExampleImages;
import io.mlship.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertex AI answering UNAVAILABLE at the transport (the emulator refuses the call before its service code runs):
 * reads, safe to repeat, are retried with backoff; an upload is not sent twice blindly — the promotion ends with
 * exit 3 and a clear reason, leaves no model version behind, and running the command again completes it.
 */
class VertexUnavailableTest {
    static final String MODEL = "projects/ds-ml-staging/locations/europe-west4/models/reco-ranker";

    @TempDir
    Path tmp;
    Path state;
    Sandbox sandbox;
    VertexClients vertex;

    /** The example's image: built once for the class, copied into each test's sandbox. */
    static ExampleImages.Built image;

    @BeforeAll
    static void buildImage(@TempDir Path dir) {
        image = ExampleImages.example(dir);
    }

    @BeforeEach
    void start() throws Exception {
        state = tmp.resolve("sandbox");
        sandbox = PromoteSandboxTest.startWithExample(state, image, "v1");
        vertex = new VertexClients(VertexApi.emulator(sandbox.info().vertexGrpc()), Duration.ofSeconds(20));
    }

    @AfterEach
    void stop() {
        vertex.close();
        sandbox.close();
    }

    CliRun promote() {
        Path out = tmp.resolve("out");
        return CliRun.of(out, "promote", "--spec", PromoteSandboxTest.EXAMPLE.resolve("mlship.yaml").toString(),
                "--env", "staging", "--model-version", "v1", "--image-digest", image.digest(), "--sandbox", state.toString(), "--result-dir", out.toString(),
                "--record", out.resolve("record.json").toString(), "--git-sha", "0123456789abcdef");
    }

    List<Model> versions() {
        List<Model> out = new ArrayList<>();
        try {
            vertex.models().listModelVersions(ListModelVersionsRequest.newBuilder().setName(MODEL).build()).iterateAll().forEach(out::add);
        } catch (com.google.api.gax.rpc.NotFoundException none) {
            // no model yet
        }
        return out;
    }

    @Test
    void anUnavailableUploadIsNotRepeatedBlindlyAndARerunCompletesWithOneVersion() {
        sandbox.vertex().faults().unavailableNext("UploadModel", 1);

        CliRun first = promote();

        assertThat(first.exitCode()).as(first.err()).isEqualTo(3);
        assertThat(first.result("promote").path("errorDetails").path("message").asText()).contains("UNAVAILABLE");
        assertThat(first.result("promote").path("errorDetails").path("hint").asText()).contains("run the same command again");
        assertThat(versions()).as("nothing uploaded").isEmpty();

        CliRun again = promote();

        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(versions()).hasSize(1);
    }

    @Test
    void briefUnavailabilityOfAReadIsRetriedAndThePromotionCompletes() {
        sandbox.vertex().faults().unavailableNext("ListModelVersions", 2);
        sandbox.vertex().faults().unavailableNext("GetEndpoint", 1);

        CliRun run = promote();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(versions()).hasSize(1);
    }
}
