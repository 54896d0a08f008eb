package io.mlship.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The sandbox's state folder: {@code sandbox.json} (written last, once every service is up, so its presence
 * means "ready"), the local buckets under {@code storage/}, the image tars under {@code images/}, the cluster's
 * {@code kubeconfig}, and work files and logs.
 */
public record SandboxStateDir(Path dir) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public SandboxStateDir {
        dir = dir.toAbsolutePath().normalize();
    }

    public Path infoFile() {
        return dir.resolve("sandbox.json");
    }

    public Path storageRoot() {
        return dir.resolve("storage");
    }

    public Path workDir() {
        return dir.resolve("work");
    }

    /** The registry target: image tars written by {@code mlship build --tar}, found by their manifest digest. */
    public Path imagesDir() {
        return dir.resolve("images");
    }

    public Path kubeconfigFile() {
        return dir.resolve("kubeconfig");
    }

    /** The sandbox's CA ({@code ca.crt}, {@code ca.key}), kept across restarts. */
    public Path tlsDir() {
        return dir.resolve("tls");
    }

    public Path logFile() {
        return dir.resolve("sandbox.log");
    }

    public Optional<SandboxInfo> read() throws IOException {
        if (!Files.isRegularFile(infoFile())) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(infoFile().toFile(), SandboxInfo.class));
    }

    /** The running sandbox's info, or exit 3 saying how to start it (commands given --sandbox DIR use this). */
    public SandboxInfo require() throws IOException {
        return read().orElseThrow(() -> io.mlship.result.MlshipException.infrastructure("no sandbox running in " + dir,
                "start it with: mlship sandbox up --state " + dir, null));
    }

    public void write(SandboxInfo info) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".sandbox", ".tmp");
        JSON.writeValue(tmp.toFile(), info);
        Files.move(tmp, infoFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public void clear() throws IOException {
        Files.deleteIfExists(infoFile());
    }

    public static String toJson(SandboxInfo info) {
        try {
            return new ObjectMapper().writeValueAsString(info);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
