package io.mlship.kube.connect;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.progress.Progress;
import io.mlship.spec.EnvironmentView;
import java.time.Duration;
import java.util.Optional;

/**
 * How this run reaches an environment's cluster: GKE through a kubeconfig (or the agent's own cluster), or a
 * stand-in API server. Chosen once, where the run starts; stages only ask it for a client.
 */
public interface ClusterAccess {

    /** The cluster and credentials of {@code environment}; the kubeconfig and context given win. */
    ClusterRef target(EnvironmentView environment, String kubeconfig, String context);

    /** A client for {@code target} (it sends nothing yet), reading and writing with {@code serialization}. */
    KubernetesClient connect(ClusterRef target, KubernetesSerialization serialization, Duration requestTimeout,
                             Progress progress);

    /**
     * Makes sure the environment's namespace can take a release; true when it had to be made. Real clusters are
     * provisioned apart from releases, so this does nothing there.
     */
    default boolean prepareNamespace(KubernetesClient client, String namespace) {
        return false;
    }

    /** Where the deployed service answers its gate: the environment's {@code https://host} unless the cluster says. */
    default Optional<String> serviceUrl(KubernetesClient client, EnvironmentView environment) {
        return serviceUrl(client, environment, environment.service());
    }

    /**
     * Where Service {@code service} of the environment (the service, or its canary candidate) answers: on GKE the
     * host (a candidate is reached there with the canary header), unless the cluster says.
     */
    default Optional<String> serviceUrl(KubernetesClient client, EnvironmentView environment, String service) {
        return Optional.ofNullable(environment.serviceUrl());
    }
}
