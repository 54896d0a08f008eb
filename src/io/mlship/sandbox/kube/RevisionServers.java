package io.mlship.sandbox.kube;

import io.mlship.sandbox.serving.Workload;
import io.mlship.sandbox.serving.WorkloadRequest;
import io.mlship.sandbox.serving.WorkloadRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The servers really running Deployment revisions: one per revision (not per replica), keyed by
 * {@link Rollout#key()}, each on its own loopback port. Touched on the controllers' thread only (and by close).
 */
final class RevisionServers {
    private final String namespace;
    /** Null when the sandbox runs no images: every pod is then scripted. */
    private final WorkloadRuntime runtime;
    private final Map<String, Workload> running = new ConcurrentHashMap<>();

    RevisionServers(String namespace, WorkloadRuntime runtime) {
        this.namespace = namespace;
        this.runtime = runtime;
    }

    boolean canRun(String image) {
        return runtime != null && runtime.has(image);
    }

    /** "process" or "podman", for messages. */
    String runtimeName() {
        return runtime.name();
    }

    /** The revision's server, running or exited; null when none was started (or it was stopped). */
    Workload get(String key) {
        return running.get(key);
    }

    /** Starts the revision's server on a free port; it is not ready yet. */
    Workload start(Rollout r, Map<String, String> env) throws Exception {
        var c = r.container();
        Workload server = runtime.start(new WorkloadRequest(namespace + "-" + r.name() + "-" + r.hash(), c.getImage(),
                c.getCommand() == null ? List.of() : c.getCommand(), c.getArgs() == null ? List.of() : c.getArgs(),
                env, "PORT", freePort()));
        running.put(r.key(), server);
        return server;
    }

    /** Stops the revision's server and forgets it. */
    void stop(String key) {
        Workload w = running.remove(key);
        if (w != null) {
            w.close();
        }
    }

    /** Stops the servers of a Deployment's revisions, all but {@code keep} (null: all). */
    void stopAllBut(String deployment, String keep) {
        for (String k : List.copyOf(running.keySet())) {
            if (k.startsWith(deployment + "/") && !k.equals(keep)) {
                stop(k);
            }
        }
    }

    void closeAll() {
        running.values().parallelStream().forEach(Workload::close);
        running.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
