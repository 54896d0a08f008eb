package io.mlship.kube.connect;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Builds the fabric8 client for a cluster: from a kubeconfig context (GKE's context name by default, or
 * {@code --context}), or the in-cluster service account when mlship runs in a pod and no kubeconfig exists.
 * Missing credentials are bad input, reported before any request.
 */
public final class ClusterConnector {
    private final Map<String, String> environment;
    private final Duration requestTimeout;
    private final Progress progress;
    static final int RETRIES = 3;
    static final int BACKOFF_MS = 200;

    private final Path serviceAccountToken;
    private final AgentCluster agentCluster;

    /** {@code progress} is where retried requests are reported. */
    public ClusterConnector(Map<String, String> environment, Duration requestTimeout, Progress progress) {
        this(environment, requestTimeout, progress, Path.of(Config.KUBERNETES_SERVICE_ACCOUNT_TOKEN_PATH),
                new AgentCluster(environment, Duration.ofSeconds(2)));
    }

    /** With the pod's token file and the agent's cluster looked up elsewhere (tests). */
    ClusterConnector(Map<String, String> environment, Duration requestTimeout, Progress progress, Path serviceAccountToken,
                     AgentCluster agentCluster) {
        this.environment = environment;
        this.requestTimeout = requestTimeout;
        this.progress = progress;
        this.serviceAccountToken = serviceAccountToken;
        this.agentCluster = agentCluster;
    }

    public KubernetesClient connect(ClusterRef target) {
        return connect(target, new KubernetesSerialization());
    }

    /** A client that reads and writes objects with {@code serialization} (shared with whoever rendered them). */
    public KubernetesClient connect(ClusterRef target, KubernetesSerialization serialization) {
        Config config = config(target);
        config.setRequestTimeout((int) requestTimeout.toMillis());
        config.setConnectionTimeout((int) Math.min(requestTimeout.toMillis(), 10_000));
        // The client retries 429/5xx answers and failed connections itself: RETRIES times, waiting BACKOFF_MS,
        // then twice that, and so on (about 1.4 s in all), each retry reported by RetryLog.
        config.setRequestRetryBackoffLimit(RETRIES);
        config.setRequestRetryBackoffInterval(BACKOFF_MS);
        // HTTP/1.1, as the Vert.x client spoke: the JDK client would otherwise try an h2c upgrade on plain HTTP.
        config.setHttp2Disable(true);
        return new KubernetesClientBuilder().withConfig(config)
                .withKubernetesSerialization(serialization)
                .withHttpClientFactory(new JdkHttpClientFactory())
                .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("mlship-field-manager", new FieldManager())
                        .addOrReplaceInterceptor("mlship-retry-log", new RetryLog(progress, RETRIES, BACKOFF_MS)))
                .build();
    }

    /**
     * Loads and initialises what {@link #connect} needs without connecting anywhere or reading a kubeconfig:
     * fabric8's kubeconfig binding, which on first use instantiates every model kind it knows to register them,
     * and the JVM's trust store and TLS, which the client sets up even for a plain-HTTP API server. Together they are a
     * large part of a deploy's start; run early on a spare thread, they overlap with parsing its options and spec.
     */
    public static void warmUp() throws Exception {
        KubeConfigUtils.parseConfigFromString("apiVersion: v1\nkind: Config\n");
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);
        SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
    }

    Config config(ClusterRef target) {
        Path kubeconfig = kubeconfigPath(target);
        String context = target.effectiveContext();
        if (kubeconfig != null && Files.isRegularFile(kubeconfig)) {
            String text;
            try {
                text = Files.readString(kubeconfig, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw MlshipException.badInput("cannot read kubeconfig " + kubeconfig + ": " + e.getMessage(),
                        "check the file's permissions, or pass --kubeconfig");
            }
            io.fabric8.kubernetes.api.model.Config parsed;
            try {
                parsed = KubeConfigUtils.parseConfigFromString(text);
            } catch (RuntimeException e) {
                throw MlshipException.badInput("kubeconfig " + kubeconfig + " is not a valid kubeconfig: " + e.getMessage(),
                        "regenerate it with: " + target.getCredentialsCommand());
            }
            boolean known = parsed.getContexts() != null && parsed.getContexts().stream().anyMatch(c -> context.equals(c.getName()));
            if (!known) {
                throw MlshipException.badInput("kubeconfig " + kubeconfig + " has no context '" + context + "'",
                        "get credentials for the cluster with: " + target.getCredentialsCommand()
                                + (target.context() == null ? " (or name another context with --context)" : ""));
            }
            try {
                return Config.fromKubeconfig(context, text, kubeconfig.toString());
            } catch (KubernetesClientException e) {
                throw MlshipException.badInput("kubeconfig context '" + context + "' cannot be used: " + e.getMessage(),
                        "regenerate it with: " + target.getCredentialsCommand());
            }
        }
        if (target.kubeconfig() != null) {
            throw MlshipException.badInput("kubeconfig " + target.kubeconfig() + " does not exist",
                    "pass the kubeconfig written by: " + target.getCredentialsCommand());
        }
        if (environment.get("KUBERNETES_SERVICE_HOST") != null && Files.isRegularFile(serviceAccountToken)) {
            requireAgentCluster(target);
            return Config.autoConfigure(null); // no kubeconfig here, so this is the pod's service account
        }
        throw MlshipException.badInput("no cluster credentials: no kubeconfig at " + (kubeconfig == null ? "~/.kube/config" : kubeconfig)
                        + " and not running inside a cluster",
                "on the agent run: " + target.getCredentialsCommand() + " (or bind a kubeconfig credential as KUBECONFIG, or pass --kubeconfig)");
    }

    /**
     * A pod's service account reaches only the cluster the pod runs in: deploying there when the environment names
     * another cluster would release to the wrong place, so that is refused unless asked for.
     */
    private void requireAgentCluster(ClusterRef target) {
        if (target.agentCluster()) {
            return;
        }
        Optional<AgentCluster.Identity> agent = agentCluster.identify();
        if (agent.isPresent() && agent.get().is(target)) {
            return;
        }
        String wanted = "cluster " + target.cluster() + " in " + target.location() + " of project " + target.project();
        throw MlshipException.badInput("no kubeconfig, and this agent " + agent.map(a -> "runs in " + a)
                        .orElse("cannot tell which cluster it runs in (the GKE metadata server did not answer)")
                        + ", while the environment wants " + wanted,
                "give credentials for " + wanted + " (" + target.getCredentialsCommand() + ", or a kubeconfig credential "
                        + "as KUBECONFIG, or --kubeconfig), or pass --agent-cluster to deploy into the agent's own cluster");
    }

    private Path kubeconfigPath(ClusterRef target) {
        if (target.kubeconfig() != null) {
            return Path.of(target.kubeconfig());
        }
        String env = environment.get("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env.split(java.io.File.pathSeparator)[0]);
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return home == null ? null : Path.of(home, ".kube", "config");
    }
}
