package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.EnvVar;
import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the serving container's command as a local process on a free loopback port, with the custom-container
 * environment ({@code AIP_HTTP_PORT}, {@code AIP_PREDICT_ROUTE}, {@code AIP_HEALTH_ROUTE}, {@code AIP_STORAGE_URI}).
 * Container paths are mapped to host folders (e.g. {@code /app} → the repository), since no image is pulled.
 */
public final class LocalProcessRuntime implements ServingRuntime {
    private final Map<String, Path> mounts;
    private final Path logDir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code mounts}: container path prefix → host folder. */
    public LocalProcessRuntime(Map<String, Path> mounts, Path logDir) {
        this.mounts = new TreeMap<>(mounts);
        this.logDir = logDir;
    }

    @Override
    public Server start(String deployedModelId, ModelContainerSpec container, Path modelDir, Duration healthTimeout)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        container.getCommandList().forEach(c -> cmd.add(map(c)));
        container.getArgsList().forEach(a -> cmd.add(map(a)));
        if (cmd.isEmpty()) {
            throw new IllegalStateException("container spec of " + deployedModelId
                    + " has no command; the local runtime cannot use an image's entrypoint");
        }
        int port = freePort();
        String predict = container.getPredictRoute().isEmpty() ? "/predict" : container.getPredictRoute();
        String health = container.getHealthRoute().isEmpty() ? "/health" : container.getHealthRoute();
        ProcessBuilder pb = new ProcessBuilder(cmd);
        for (EnvVar e : container.getEnvList()) {
            pb.environment().put(e.getName(), map(e.getValue()));
        }
        pb.environment().put("AIP_HTTP_PORT", Integer.toString(port));
        pb.environment().put("AIP_PREDICT_ROUTE", predict);
        pb.environment().put("AIP_HEALTH_ROUTE", health);
        pb.environment().put("AIP_STORAGE_URI", modelDir.toString());
        pb.environment().put("AIP_DEPLOYED_MODEL_ID", deployedModelId);
        Files.createDirectories(logDir);
        Path log = logDir.resolve("deployed-" + deployedModelId + ".log");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process process = pb.start();
        LocalServer server = new LocalServer(process, port);
        try {
            awaitHealthy(process, port, health, healthTimeout, log);
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void awaitHealthy(Process process, int port, String route, Duration timeout, Path log) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        URI uri = URI.create("http://127.0.0.1:" + port + route);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("model server exited with " + process.exitValue() + " before it was healthy: "
                        + tail(log));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("model server not healthy on " + uri + " after " + timeout.toSeconds()
                        + "s: " + tail(log));
            }
            Thread.sleep(100); // polling a port: there is no signal to wait on
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log, StandardCharsets.UTF_8).strip();
            return text.length() > 800 ? "…" + text.substring(text.length() - 800) : text;
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private String map(String value) {
        String out = value;
        for (Map.Entry<String, Path> m : mounts.entrySet()) {
            out = out.replace(m.getKey(), m.getValue().toAbsolutePath().normalize().toString());
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private record LocalServer(Process process, int port) implements Server {
        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
