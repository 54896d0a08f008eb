package io.mlship.spec;

import java.util.List;
import java.util.Map;

/** How the service runs on GKE. Integer-or-percent values ({@code 25%}, {@code 1}) are kept as strings. */
public record DeploySpec(
        int replicas,
        Integer port,
        int servicePort,
        Resources resources,
        Probes probes,
        Map<String, String> env,
        Map<String, String> labels,
        Ingress ingress,
        Autoscaling autoscaling,
        DisruptionBudget disruptionBudget,
        NetworkPolicy networkPolicy,
        ServiceAccount serviceAccount,
        Rollout rollout,
        String routing,
        Canary canary) {

    /** {@code routing}'s values: an Ingress (nginx) or a Gateway API HTTPRoute on the environment's gateway. */
    public static final String INGRESS = "ingress";
    public static final String GATEWAY = "gateway";

    public DeploySpec {
        env = Lists.copy(env);
        labels = Lists.copy(labels);
        routing = routing == null ? INGRESS : routing;
    }

    public boolean routesThroughGateway() {
        return GATEWAY.equals(routing);
    }

    /**
     * A service canary: the candidate gets {@code steps}' shares of the host's traffic, one gated step after the
     * other; requests with {@code header: always} reach it whatever the weights (the gate's do).
     */
    public record Canary(List<Integer> steps, String header, int replicas) {
        public Canary {
            steps = Lists.copy(steps);
        }
    }

    public record Resources(ResourceList requests, ResourceList limits) {
    }

    public record ResourceList(String cpu, String memory) {
    }

    public record Probes(Probe readiness, Probe liveness, Probe startup) {
    }

    public record Probe(String path, Integer initialDelaySeconds, Integer periodSeconds, Integer timeoutSeconds,
                        Integer failureThreshold) {
    }

    public record Ingress(boolean enabled, String className, String path, Map<String, String> annotations, Tls tls) {
        public Ingress {
            annotations = Lists.copy(annotations);
        }
    }

    public record Tls(boolean enabled, String issuer, String secretName) {
    }

    public record Autoscaling(boolean enabled, Integer minReplicas, Integer maxReplicas,
                              int targetCPUUtilizationPercentage) {
    }

    public record DisruptionBudget(String minAvailable, String maxUnavailable) {
    }

    public record NetworkPolicy(boolean enabled, String ingressControllerNamespace, List<String> allowFromNamespaces) {
        public NetworkPolicy {
            allowFromNamespaces = Lists.copy(allowFromNamespaces);
        }
    }

    public record ServiceAccount(String name, String gcpServiceAccount) {
    }

    public record Rollout(String timeout, int progressDeadlineSeconds, String maxSurge, String maxUnavailable) {
    }
}
