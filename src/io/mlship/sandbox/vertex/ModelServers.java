package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.Model;
import io.mlship.sandbox.storage.LocalBuckets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The running model servers behind deployed models, by deployed model id. Starting one is slow (copy the
 * artifacts, wait until healthy), so it happens outside the lock; only the map changes under it.
 */
final class ModelServers {
    private final Map<String, ServingRuntime.Server> servers = new HashMap<>();
    private final StateLock lock;
    private final ServingRuntime runtime;
    private final LocalBuckets buckets;
    private final Path workDir;
    private final Duration healthTimeout;

    ModelServers(StateLock lock, ServingRuntime runtime, LocalBuckets buckets, Path workDir, Duration healthTimeout) {
        this.lock = lock;
        this.runtime = runtime;
        this.buckets = buckets;
        this.workDir = workDir;
        this.healthTimeout = healthTimeout;
    }

    /** Starts a server for {@code version} with a copy of its artifacts; returns once it is healthy. Not kept yet. */
    ServingRuntime.Server start(String deployedId, Model version) {
        try {
            Path modelDir = workDir.resolve("serving").resolve(deployedId).resolve("model");
            if (!version.getArtifactUri().isEmpty()) {
                copyTree(buckets.resolve(version.getArtifactUri()), modelDir);
            } else {
                Files.createDirectories(modelDir);
            }
            return runtime.start(deployedId, version.getContainerSpec(), modelDir, healthTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the model server");
        } catch (Exception e) {
            throw new ApiError(io.grpc.Status.Code.FAILED_PRECONDITION, "model server for " + version.getName()
                    + "@" + version.getVersionId() + " failed to start: " + e.getMessage());
        }
    }

    /** Vertex copies the artifacts to its own storage before serving; so does the emulator. */
    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IOException("artifact folder " + from + " does not exist");
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    void put(String deployedId, ServingRuntime.Server server) {
        assert Thread.holdsLock(lock);
        servers.put(deployedId, server);
    }

    /** The server of a deployed model, or null if it has none. */
    ServingRuntime.Server get(String deployedId) {
        assert Thread.holdsLock(lock);
        return servers.get(deployedId);
    }

    /** Forgets the server of a deployed model and gives it back, for the caller to close outside the lock. */
    ServingRuntime.Server remove(String deployedId) {
        assert Thread.holdsLock(lock);
        return servers.remove(deployedId);
    }

    /** Stops every model server (emulator shutdown). */
    void stopAll() {
        List<ServingRuntime.Server> all;
        synchronized (lock) {
            all = new ArrayList<>(servers.values());
            servers.clear();
        }
        all.forEach(ServingRuntime.Server::close);
    }
}
