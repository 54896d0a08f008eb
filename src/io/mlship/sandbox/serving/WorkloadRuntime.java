package io.mlship.sandbox.serving;

/**
 * Runs the images of the sandbox's registry folder for the simulated cluster: one server per Deployment
 * revision. Images it does not have are left to the rollout simulator's configured behaviour.
 */
public interface WorkloadRuntime extends AutoCloseable {
    /** "process" or "podman", for messages. */
    String name();

    /** Whether this image reference (by digest) is one this runtime can run. */
    boolean has(String image);

    /** Starts the server in the background; it is not ready yet. Fails when it cannot even be started. */
    Workload start(WorkloadRequest request) throws Exception;

    @Override
    void close();
}
