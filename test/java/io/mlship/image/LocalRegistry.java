package io.mlship.image;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real registry for tests: Debian's docker-registry (the CNCF distribution server) on a free loopback port,
 * with its own config and storage in a temp folder. Its storage folder and access log are the registry's own
 * view of what was uploaded.
 */
final class LocalRegistry implements AutoCloseable {
    private static final Pattern BLOB_PUT = Pattern.compile("\"PUT /v2/\\S+/blobs/uploads/\\S*digest=(sha256(?::|%3A)[0-9a-f]{64})");
    private static final Pattern MANIFEST_PUT = Pattern.compile("\"PUT /v2/\\S+/manifests/(\\S+) ");

    private final Process process;
    private final Path storage;
    private final int port;
    private final List<String> log = new ArrayList<>();

    private LocalRegistry(Process process, Path storage, int port) {
        this.process = process;
        this.storage = storage;
        this.port = port;
    }

    static LocalRegistry start(Path dir) throws IOException, InterruptedException {
        return start(dir, false);
    }

    /**
     * @param requireAuth use distribution's "silly" access control: every request without credentials gets a
     *                    401 with a token realm that grants nothing, as a registry that refuses the agent does
     */
    static LocalRegistry start(Path dir, boolean requireAuth) throws IOException, InterruptedException {
        String binary = Tools.require("docker-registry", "docker-registry");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path config = dir.resolve("config.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log:",
                "  level: info",
                "  accesslog:",
                "    disabled: false",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + storage,
                "  delete:",
                "    enabled: true",
                "http:",
                "  addr: 127.0.0.1:" + port,
                requireAuth ? "auth:\n  silly:\n    realm: http://127.0.0.1:" + port + "/no-token-service\n    service: test\n" : "",
                ""));
        Process process = new ProcessBuilder(binary, "serve", config.toString()).redirectErrorStream(true).start();
        LocalRegistry registry = new LocalRegistry(process, storage, port);
        CountDownLatch listening = new CountDownLatch(1);
        Thread reader = new Thread(() -> registry.readLog(listening), "registry-log");
        reader.setDaemon(true);
        reader.start();
        // Waits for the registry's own "listening on" line, not for a guessed time.
        if (!listening.await(20, TimeUnit.SECONDS)) {
            registry.close();
            throw new IllegalStateException("docker-registry did not report 'listening on' within 20 s; its log:\n"
                    + String.join("\n", registry.logLines()));
        }
        return registry;
    }

    private void readLog(CountDownLatch listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                synchronized (log) {
                    log.add(line);
                }
                if (line.contains("listening on")) {
                    listening.countDown();
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    List<String> logLines() {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    /** Number of access-log lines so far: a mark to ask "what happened since". */
    int mark() {
        return logLines().size();
    }

    /** Blob digests whose upload the registry completed (PUT …/blobs/uploads/…?digest=) since the mark. */
    Set<String> blobUploadsSince(int mark) {
        Set<String> out = new TreeSet<>();
        List<String> lines = logLines();
        for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
            Matcher m = BLOB_PUT.matcher(line);
            if (m.find() && line.contains("\" 201 ")) {
                out.add(m.group(1).replace("%3A", ":"));
            }
        }
        return out;
    }

    /** Manifest PUTs (one per tag) since the mark. */
    List<String> manifestPutsSince(int mark) {
        List<String> out = new ArrayList<>();
        List<String> lines = logLines();
        for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
            Matcher m = MANIFEST_PUT.matcher(line);
            if (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Every blob in the registry's storage (layers, configs and manifests). */
    Set<String> storedBlobs() throws IOException {
        Path blobs = storage.resolve("docker/registry/v2/blobs/sha256");
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(blobs)) {
            return out;
        }
        try (Stream<Path> walk = Files.walk(blobs)) {
            walk.filter(p -> p.getFileName().toString().equals("data"))
                    .forEach(p -> out.add("sha256:" + p.getParent().getFileName()));
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
