package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.DeployedModel;
import com.google.cloud.aiplatform.v1.Model;
import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The running model servers behind deployed models, by deployed model id. Starting one is slow (start the image,
 * wait until healthy), so it happens outside the lock; only the map changes under it.
 */
final class ModelServers {
    private final Map<String, ServingRuntime.Server> servers = new HashMap<>();
    private final StateLock lock;
    private final ServingRuntime runtime;
    /** What only the sandbox adds to every container's environment (where its Cloud Storage is). */
    private final Map<String, String> sandboxEnv;
    private final Duration healthTimeout;

    ModelServers(StateLock lock, ServingRuntime runtime, Map<String, String> sandboxEnv, Duration healthTimeout) {
        this.lock = lock;
        this.runtime = runtime;
        this.sandboxEnv = Map.copyOf(sandboxEnv);
        this.healthTimeout = healthTimeout;
    }

    /**
     * Starts the serving container of {@code version} for {@code deployed} on {@code endpoint}, reading the
     * version's artifact copy at {@code storageUri}; returns once it is healthy. Not kept yet.
     */
    ServingRuntime.Server start(String endpoint, DeployedModel deployed, Model version, String storageUri) {
        try {
            ModelContainerSpec spec = version.getContainerSpec();
            int port = freePort();
            Map<String, String> env = ContainerEnvironment.variables(spec, endpoint, deployed, storageUri, port, sandboxEnv);
            return runtime.start(new ServingRuntime.Request(deployed.getId(), spec.getImageUri(),
                    ContainerEnvironment.expandAll(spec.getCommandList(), env),
                    ContainerEnvironment.expandAll(spec.getArgsList(), env), env, port, env.get("AIP_HEALTH_ROUTE"),
                    healthTimeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the model server");
        } catch (Exception e) {
            throw new ApiError(io.grpc.Status.Code.FAILED_PRECONDITION, "model server for " + version.getName()
                    + "@" + version.getVersionId() + " failed to start: " + e.getMessage());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
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
