package io.mlship.kube.connect;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.progress.Progress;
import io.mlship.spec.EnvironmentView;
import java.time.Duration;
import java.util.Map;

/** The environment's GKE cluster, through the given kubeconfig, $KUBECONFIG, ~/.kube/config or the pod's account. */
public record GkeClusters(Map<String, String> processEnvironment) implements ClusterAccess {

    public GkeClusters {
        processEnvironment = Map.copyOf(processEnvironment);
    }

    @Override
    public ClusterRef target(EnvironmentView environment, String kubeconfig, String context) {
        return ClusterRef.of(environment, kubeconfig, context);
    }

    @Override
    public KubernetesClient connect(ClusterRef target, KubernetesSerialization serialization, Duration requestTimeout,
                                    Progress progress) {
        return new ClusterConnector(processEnvironment, requestTimeout, progress).connect(target, serialization);
    }
}
