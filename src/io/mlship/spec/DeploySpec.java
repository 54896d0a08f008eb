package io.mlship.spec;

import java.time.Duration;
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
        Map<String, SecretKeyRef> secretEnv,
        List<SecretVolume> secretVolumes,
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
        secretEnv = Lists.copy(secretEnv);
        secretVolumes = Lists.copy(secretVolumes);
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
    public record Canary(List<Integer> steps, String header, int replicas, Analysis analysis) {
        public Canary {
            steps = Lists.copy(steps);
        }

        /** How many gate runs each step has, {@code interval} apart: one when the spec says nothing. */
        public int iterations() {
            return analysis == null ? 1 : analysis.iterations();
        }
    }

    /** Each step's gate runs {@code iterations} times, {@code interval} apart (a duration such as 1m). */
    public record Analysis(int iterations, String interval) {
    }

    /** One key of an existing Secret in the namespace: only its name and key are known to mlship, never its value. */
    public record SecretKeyRef(String secret, String key) {
    }

    /** An existing Secret mounted read-only under {@code path}; {@code items} narrows it to some keys (empty: all). */
    public record SecretVolume(String secret, String path, List<String> items) {
        public SecretVolume {
            items = Lists.copy(items);
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
        public DisruptionBudget {
            minAvailable = IntOrPercent.normalized(minAvailable);
            maxUnavailable = IntOrPercent.normalized(maxUnavailable);
        }
    }

    public record NetworkPolicy(boolean enabled, String ingressControllerNamespace, List<String> allowFromNamespaces) {
        public NetworkPolicy {
            allowFromNamespaces = Lists.copy(allowFromNamespaces);
        }
    }

    public record ServiceAccount(String name, String gcpServiceAccount) {
    }

    /** {@code readinessGrace} is null when the spec leaves it out: the progress deadline then (see {@link #readinessGraceOrDefault()}). */
    public record Rollout(String timeout, int progressDeadlineSeconds, String readinessGrace, String maxSurge, String maxUnavailable) {
        public Rollout {
            maxSurge = IntOrPercent.normalized(maxSurge);
            maxUnavailable = IntOrPercent.normalized(maxUnavailable);
        }

        /** How long a running pod may fail readiness before the rollout fails; by default, the progress deadline. */
        public Duration readinessGraceOrDefault() {
            return readinessGrace != null ? Durations.parse(readinessGrace) : Duration.ofSeconds(progressDeadlineSeconds);
        }
    }
}
