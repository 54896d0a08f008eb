package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example's real model server with the example's own spec and cases: the gate lets model v2 through and
 * stops the broken model, whose lipstick searches return face wash.
 */
class ExampleSmokeTest {
    private static final Path EXAMPLE = Path.of("examples/reco-service");

    @TempDir
    Path tmp;

    @Test
    void v2PassesTheGate() throws Exception {
        try (ModelServer server = ModelServer.start("v2")) {
            CliRun run = smoke(server, "v2");

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode r = run.result("smoke");
            assertThat(r.path("verdict").asText()).isEqualTo("passed");
            assertThat(r.path("cases").path("total").asInt()).isEqualTo(5);
            assertThat(r.path("load").path("requests").asInt()).isEqualTo(200);
            assertThat(r.path("load").path("errors").asInt()).isZero();
        }
    }

    @Test
    void brokenModelFailsTheGate() throws Exception {
        try (ModelServer server = ModelServer.start("broken")) {
            CliRun run = smoke(server, "broken");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
            JsonNode r = run.result("smoke");
            assertThat(r.path("verdict").asText()).isEqualTo("failed");
            assertThat(r.path("failures")).anySatisfy(f -> {
                assertThat(f.path("case").asText()).isEqualTo("lipstick search returns lipsticks");
                assertThat(f.path("path").asText()).isEqualTo("$.items[0].category");
                assertThat(f.path("expected").asText()).isEqualTo("\"lipstick\"");
                assertThat(f.path("actual").asText()).startsWith("\"face wash\"");
            });
            assertThat(r.path("failures")).anySatisfy(f ->
                    assertThat(f.path("case").asText()).isEqualTo("matte red lipstick prediction"));
            // The model answers fast and without errors: only what it says is wrong.
            assertThat(r.path("load").path("errors").asInt()).isZero();
        }
    }

    private CliRun smoke(ModelServer server, String name) {
        Path out = tmp.resolve(name);
        return CliRun.of(out, "smoke", "--spec", EXAMPLE.resolve("mlship.yaml").toString(), "--env", "staging",
                "--target", server.uri().toString(), "--result-dir", out.toString());
    }

    /** {@code python3 -m reco.server} serving one of the example's trained model folders. */
    static final class ModelServer implements AutoCloseable {
        private final Process process;
        private final int port;

        private ModelServer(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static ModelServer start(String model) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            ProcessBuilder pb = new ProcessBuilder("python3", "-m", "reco.server")
                    .directory(EXAMPLE.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("PYTHONPATH", "src");
            pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
            pb.environment().put("MODEL_DIR", "training-output/reco-ranker/" + model);
            pb.environment().put("PORT", String.valueOf(port));
            Process p;
            try {
                p = pb.start();
            } catch (IOException e) {
                throw new AssertionError("python3 is needed to run the example's model server; bin/setup installs it", e);
            }
            ModelServer server = new ModelServer(p, port);
            server.awaitReady(Duration.ofSeconds(30));
            return server;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + port);
        }

        /** Polls /readyz: the server has no other way to say it has loaded its model. */
        private void awaitReady(Duration limit) throws Exception {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest ready = HttpRequest.newBuilder(uri().resolve("/readyz")).timeout(Duration.ofSeconds(1)).build();
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("the model server exited with " + process.exitValue() + " before it was ready");
                }
                try {
                    if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
            close();
            throw new AssertionError("the model server was not ready on " + uri() + "/readyz within " + limit.toSeconds() + " s");
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
