package io.mlship.launch;

import com.sun.net.httpserver.HttpServer;
import io.mlship.cli.CliContext;
import io.mlship.cli.Main;
import io.mlship.sandbox.storage.StorageJsonApi;
import io.mlship.sandbox.vertex.VertexEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The launcher's class-data-sharing training run: every command once, in one JVM, against stand-ins on loopback
 * (an HTTP stub and a registry that refuse, the Vertex AI emulator with its deploy made to fail), so the archive
 * the launcher dumps holds the classes each command loads up to and through its first remote calls. Nothing
 * leaves the machine and the temporary folder is removed. Run by {@link ArchiveRecorder} once per CLI and JVM.
 */
public final class CdsTraining {
    private static final String DIGEST = "sha256:" + "0".repeat(64);

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("mlship-cds-");
        // MLSHIP_CDS_VERBOSE=1 shows what each command printed, to check the training still reaches its remote calls.
        PrintStream sink = System.getenv("MLSHIP_CDS_VERBOSE") != null ? System.err
                : new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CliContext quiet = new CliContext(sink, sink);
        HttpServer stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", exchange -> {
            byte[] body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"Forbidden\",\"code\":403}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(403, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.start();
        VertexEmulator vertex = null;
        StorageJsonApi storageApi = null;
        try {
            Path spec = writeRepo(dir);
            String stubUrl = "http://127.0.0.1:" + stub.getAddress().getPort();
            Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n"
                    + "  cluster: {server: \"" + stubUrl + "\"}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n"
                    + "  context: {cluster: c, user: u}\ncurrent-context: x\n");
            Path out = dir.resolve("out");
            run(quiet, "validate", "--spec", spec.toString(), "--result-dir", out.toString());
            run(quiet, "render", "--spec", spec.toString(), "--env", "dev", "--image-digest", DIGEST, "--output",
                    dir.resolve("m.yaml").toString(), "--result-dir", out.toString());
            // Its own layer cache, removed with the folder: the default is the agent's cache (volume), not for this.
            String cache = dir.resolve("cache").toString();
            run(quiet, "build", "--spec", spec.toString(), "--env", "dev", "--base-image", "scratch", "--tar",
                    dir.resolve("i.tar").toString(), "--git-sha", "0123456", "--cache-dir", cache,
                    "--result-dir", out.toString());
            // Again against a registry that refuses: pulling the base and pushing load Jib's registry client and TLS
            // (Jib tries HTTPS first), which a build into a tar never reaches.
            try (RefusingRegistry registry = new RefusingRegistry()) {
                run(quiet, "build", "--spec", spec.toString(), "--env", "dev", "--base-image", registry.host() + "/base:1",
                        "--registry", registry.host(), "--allow-insecure-registry", "--push-timeout", "10s",
                        "--cache-dir", cache, "--git-sha", "0123456", "--result-dir", out.toString());
            }
            run(quiet, "deploy", "--spec", spec.toString(), "--env", "dev", "--image-digest", DIGEST, "--kubeconfig",
                    kubeconfig.toString(), "--context", "x", "--result-dir", out.toString());
            run(quiet, "smoke", "--spec", spec.toString(), "--env", "dev", "--target", stubUrl, "--result-dir", out.toString());

            Path storage = dir.resolve("storage");
            Path model = Files.createDirectories(storage.resolve("bucket/model/v1"));
            Files.writeString(model.resolve("model.json"), "{}");
            vertex = VertexEmulator.builder(storage).operationDelay(java.time.Duration.ofMillis(1)).start();
            vertex.faults().failNext("DeployModel");
            storageApi = StorageJsonApi.start(storage, 0); // promote lists the artifacts through the storage client
            Path state = Files.createDirectories(dir.resolve("sandbox"));
            Files.writeString(state.resolve("sandbox.json"), "{\"vertexGrpc\":\"" + vertex.grpcAddress() + "\",\"vertexRest\":\""
                    + vertex.restUrl() + "\",\"storageRoot\":\"" + storage.toString().replace("\\", "\\\\") + "\",\"storageRest\":\""
                    + storageApi.restUrl() + "\",\"storageHost\":\"" + storageApi.url() + "\",\"kubeconfig\":null,\"pid\":"
                    + ProcessHandle.current().pid() + "}");
            run(quiet, "promote", "--spec", spec.toString(), "--env", "dev", "--model-version", "v1", "--image-digest", DIGEST,
                    "--sandbox", state.toString(),
                    "--record", dir.resolve("record.json").toString(), "--result-dir", out.toString());
            run(quiet, "smoke", "--spec", spec.toString(), "--env", "dev", "--target", "vertex", "--sandbox", state.toString(),
                    "--cases", dir.resolve("predictions.yaml").toString(), "--result-dir", out.toString());
            run(quiet, "release", "--spec", spec.toString(), "--env", "dev", "--canary", "200", "--result-dir", out.toString());
        } finally {
            if (vertex != null) {
                vertex.close();
            }
            if (storageApi != null) {
                storageApi.close();
            }
            stub.stop(0);
            deleteTree(dir);
        }
    }

    /**
     * Answers every connection with 403 at once and closes it, whatever arrives: to a TLS handshake that is not a
     * TLS record, so the client gives up on HTTPS straight away instead of waiting (the JDK's HTTP server would
     * wait for a request line that never comes).
     */
    private static final class RefusingRegistry implements AutoCloseable {
        private final ServerSocket socket;

        RefusingRegistry() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(this::serve, "mlship-cds-registry");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String host() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        private void serve() {
            byte[] refusal = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    client.getOutputStream().write(refusal);
                } catch (IOException e) {
                    // closed, or the client left first: either way, on to the next one
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static void run(CliContext context, String... args) {
        try {
            int exit = Main.run(context, args);
            context.err().println("[cds] mlship " + args[0] + " exited with " + exit);
        } catch (RuntimeException | LinkageError e) {
            // A training run only loads classes; a failing command has done that too.
        }
    }

    private static Path writeRepo(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/app.py"), "print('hello')\n");
        // An installed package with pip's RECORD: a build reads RECORDs to recognise its dependencies.
        Files.createDirectories(dir.resolve("deps/dep-1.0.dist-info"));
        Files.createDirectories(dir.resolve("deps/dep"));
        Files.writeString(dir.resolve("deps/dep/__init__.py"), "X = 1\n");
        Files.writeString(dir.resolve("deps/dep-1.0.dist-info/RECORD"), "dep/__init__.py,"
                + "sha256=Crrh4K5yghbuRJk8Wjp1X4scOH2Uf8TE9yyrDkqEIUs,6\n\"dep-1.0.dist-info/RECORD\",,\n");
        Files.writeString(dir.resolve("cases.yaml"), "- name: health\n  request: {method: GET, path: /health}\n  expect: {status: 200}\n");
        Files.writeString(dir.resolve("predictions.yaml"), "- name: p\n  request:\n    instances: [{q: a}]\n  expect:\n"
                + "    json:\n      - {path: $.predictions, length: 1}\n");
        return Files.writeString(dir.resolve("mlship.yaml"), String.join("\n",
                "apiVersion: mlship/v1",
                "service: {name: cds, team: mlship}",
                "image:",
                "  registry: registry.invalid",
                "  repository: cds/app",
                "  base: scratch",
                "  app: [src]",
                "  python: {sitePackages: deps}",
                "  entrypoint: [python3, src/app.py]",
                "  port: 8080",
                "deploy:",
                "  replicas: 1",
                "  ingress: {className: nginx}",
                "  autoscaling: {minReplicas: 1, maxReplicas: 2}",
                "model:",
                "  id: cds-model",
                "  artifacts: gs://bucket/model/{version}/",
                "  serving: {image: service, port: 8080, predictRoute: /predict, healthRoute: /health}",
                "smoke:",
                "  cases: cases.yaml",
                "  requestTimeout: 2s",
                "environments:",
                "  dev:",
                "    projects: {gke: cds-dev, vertex: cds-dev, registry: cds-dev, artifacts: cds-dev}",
                "    region: europe-west4",
                "    cluster: dev",
                "    namespace: cds",
                "    host: cds.dev.example.com",
                "    endpoint: cds-dev",
                ""));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
