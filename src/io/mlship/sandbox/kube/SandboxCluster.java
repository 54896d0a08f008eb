package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An in-process Kubernetes API (fabric8's mock store in CRUD mode: it stores what is written and serves
 * watches) on loopback, with the cert-manager Certificate kind registered. mlship reaches it through the real
 * fabric8 client and a kubeconfig like any cluster's, and so does kubectl ({@link ApiServer} adds discovery,
 * streamed watches and strategic merge patches); {@link RolloutSimulator} plays the controllers.
 */
public final class SandboxCluster implements AutoCloseable {
    private static final CustomResourceDefinitionContext CERTIFICATE = new CustomResourceDefinitionContext.Builder()
            .withGroup("cert-manager.io").withVersion("v1").withKind("Certificate").withPlural("certificates")
            .withScope("Namespaced").withStatusSubresource(true).build();

    private final ApiServer server;
    private final KubernetesClient client;

    static final int STALL_TOLERANT_TIMEOUT_MS = 60_000;

    private SandboxCluster(ApiServer server) {
        this.server = server;
        // The mock API can hold its event loop for a while when a watch closes mid-send; the controllers' client
        // waits that out instead of failing a request after fabric8's default 10 s. It writes as the cluster's
        // controllers do, so managedFields name kube-controller-manager (the User-Agent up to '/') as on GKE.
        this.client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(server.url() + "/")
                .withNamespace("default")
                .withRequestTimeout(STALL_TOLERANT_TIMEOUT_MS)
                .withConnectionTimeout(STALL_TOLERANT_TIMEOUT_MS)
                .withUserAgent("kube-controller-manager/v1.32.0 (linux/amd64) mlship-sandbox")
                .build()).build();
    }

    public static SandboxCluster start() {
        return new SandboxCluster(ApiServer.start(List.of(CERTIFICATE)));
    }

    /** An admin client (the controllers' view), separate from the one mlship builds from the kubeconfig. */
    public KubernetesClient client() {
        return client;
    }

    public SandboxCluster withNamespace(String name) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                .addToLabels("kubernetes.io/metadata.name", name).endMetadata().build()).create();
        return this;
    }

    public String url() {
        return server.url();
    }

    /** Writes a kubeconfig whose one context, {@code contextName}, points at this API. */
    public Path writeKubeconfig(Path file, String contextName) throws IOException {
        String yaml = "apiVersion: v1\nkind: Config\n"
                + "clusters:\n- name: sandbox\n  cluster:\n    server: " + url() + "\n"
                + "users:\n- name: sandbox\n  user:\n    token: sandbox\n"
                + "contexts:\n- name: " + contextName + "\n  context:\n    cluster: sandbox\n    user: sandbox\n"
                + "current-context: " + contextName + "\n";
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return file;
    }

    /** The API server (tests read the requests it received). */
    public ApiServer server() {
        return server;
    }

    @Override
    public void close() {
        client.close();
        try {
            server.close();
        } catch (IllegalStateException slowShutdown) {
            // The server waits a fixed time for open connections to drain; on a busy machine that can run out.
            // Its port is released with the process, so say so and go on.
            System.err.println("[sandbox] the in-process Kubernetes API did not shut down in time: " + slowShutdown.getMessage());
        }
    }
}
