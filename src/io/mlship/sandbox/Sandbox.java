package io.mlship.sandbox;

import io.mlship.sandbox.kube.ClusterControllers;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.sandbox.registry.ImageStore;
import io.mlship.sandbox.router.HostRouter;
import io.mlship.sandbox.storage.StorageJsonApi;
import io.mlship.sandbox.tls.SandboxCa;
import io.mlship.sandbox.serving.PodmanRuntime;
import io.mlship.sandbox.serving.ProcessRuntime;
import io.mlship.sandbox.serving.WorkloadRuntime;
import io.mlship.sandbox.vertex.ImageServing;
import io.mlship.sandbox.vertex.VertexEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sandbox's services in this process: Cloud Storage (the JSON API over a local folder), the Vertex AI emulator, and a
 * Kubernetes API whose controllers (one rollout simulator per namespace) really run the images found in the
 * registry folder. Each fills its part of {@link SandboxInfo}.
 */
public final class Sandbox implements AutoCloseable {
    /** The one context of the sandbox's kubeconfig. */
    public static final String KUBE_CONTEXT = "sandbox";
    /** Where the simulated ingress controller serves hosts. */
    public static final String INGRESS_ADDRESS = "127.0.0.1";

    private final SandboxStateDir state;
    private final VertexEmulator vertex;
    private final StorageJsonApi storage;
    private final SandboxCluster cluster;
    private final ClusterControllers controllers;
    private final RuntimeKind runtime;
    private final SandboxCa ca;
    private final HostRouter router;
    /** Closed in this order: controllers (and the servers they run) before the API they watch. */
    private final List<AutoCloseable> services = new ArrayList<>();
    private boolean closed;

    private Sandbox(SandboxStateDir state, VertexEmulator vertex, StorageJsonApi storage, SandboxCluster cluster,
                    ClusterControllers controllers, WorkloadRuntime workloads, RuntimeKind runtime, SandboxCa ca,
                    HostRouter router) {
        this.state = state;
        this.vertex = vertex;
        this.storage = storage;
        this.cluster = cluster;
        this.controllers = controllers;
        this.runtime = runtime;
        this.ca = ca;
        this.router = router;
        services.add(router);
        services.add(controllers);
        services.add(vertex); // its model servers are workloads too
        services.add(workloads);
        services.add(cluster);
        services.add(storage);
    }

    /** Starts every service with the runtime {@link RuntimeKind#fromEnvironment()} picks. */
    public static Sandbox start(SandboxStateDir state) throws IOException {
        return start(state, RuntimeKind.fromEnvironment());
    }

    /**
     * Starts every service. One runtime runs the images of the images folder for both the cluster's Deployments and
     * the models deployed to Vertex AI endpoints.
     */
    public static Sandbox start(SandboxStateDir state, RuntimeKind runtime) throws IOException {
        Files.createDirectories(state.storageRoot());
        Files.createDirectories(state.workDir());
        Files.createDirectories(state.imagesDir());
        ImageStore images = new ImageStore(state.imagesDir(), System.err);
        WorkloadRuntime workloads = switch (runtime) {
            case PROCESS -> new ProcessRuntime(images, state.workDir().resolve("run"), System.err);
            case PODMAN -> new PodmanRuntime(images, state.workDir().resolve("podman"), System.err);
        };
        StorageJsonApi storage = StorageJsonApi.start(state.storageRoot(), 0);
        VertexEmulator vertex = VertexEmulator.builder(state.storageRoot())
                .runtime(new ImageServing(workloads, state.imagesDir())).storageUrl(storage.url()).start();
        SandboxCa ca = SandboxCa.in(state.tlsDir());
        SandboxCluster cluster = SandboxCluster.start().withNamespace("default");
        HostRouter router = HostRouter.start(cluster.client(), 0); // the hosts over HTTP, routed as the cluster's routes say
        java.net.URI routerUrl = java.net.URI.create(router.url());
        ClusterControllers controllers = new ClusterControllers(cluster.client(), ns -> RolloutSimulator
                .builder(cluster.client(), ns).workloads(workloads).ingressAddress(INGRESS_ADDRESS)
                .certificateAuthority(ca).router(new java.net.InetSocketAddress(routerUrl.getHost(), routerUrl.getPort()))
                .build().start()).start();
        cluster.writeKubeconfig(state.kubeconfigFile(), KUBE_CONTEXT);
        return new Sandbox(state, vertex, storage, cluster, controllers, workloads, runtime, ca, router);
    }

    public SandboxInfo info() {
        return new SandboxInfo(vertex.grpcAddress(), vertex.restUrl(), state.storageRoot().toString(), storage.restUrl(),
                storage.url(),
                state.kubeconfigFile().toString(), KUBE_CONTEXT, state.imagesDir().toString(), runtime.label(),
                ProcessHandle.current().pid(), INGRESS_ADDRESS, ca.certificateFile().toString(), router.url());
    }

    public VertexEmulator vertex() {
        return vertex;
    }

    public SandboxCluster cluster() {
        return cluster;
    }

    public ClusterControllers controllers() {
        return controllers;
    }

    /** Announces the running services in the state folder. */
    public SandboxInfo publish() throws IOException {
        SandboxInfo info = info();
        state.write(info);
        return info;
    }

    /** Stops everything it started; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (AutoCloseable s : services) {
            try {
                s.close();
            } catch (Exception e) {
                System.err.println("[mlship sandbox] stopping " + s + ": " + e.getMessage());
            }
        }
        try {
            state.clear();
            Files.deleteIfExists(state.kubeconfigFile());
        } catch (IOException e) {
            System.err.println("[mlship sandbox] cannot remove " + state.infoFile() + ": " + e.getMessage());
        }
    }
}
