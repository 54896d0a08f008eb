package io.mlship.sandbox;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.kube.connect.ClusterAccess;
import io.mlship.kube.connect.GkeClusters;
import io.mlship.kube.connect.ClusterRef;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.spec.EnvironmentView;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A running sandbox's Kubernetes API, through its own kubeconfig (a kubeconfig or context given still wins). It
 * stands in for cluster provisioning too: an environment's namespace is made on first use. Services answer on
 * loopback at the address the sandbox notes on their Service, not at the environment's host.
 */
public record SandboxClusters(RunningSandbox sandbox, Map<String, String> processEnvironment)
        implements ClusterAccess {

    public SandboxClusters {
        processEnvironment = Map.copyOf(processEnvironment);
    }

    @Override
    public ClusterRef target(EnvironmentView environment, String kubeconfig, String context) {
        SandboxInfo info = sandbox.info();
        if (kubeconfig == null && info.kubeconfig() == null) {
            throw MlshipException.infrastructure("the sandbox in " + sandbox.dir() + " runs no Kubernetes API",
                    "restart it with this mlship: mlship sandbox down/up --state " + sandbox.dir(), null);
        }
        return ClusterRef.of(environment, kubeconfig != null ? kubeconfig : info.kubeconfig(),
                context != null ? context : info.kubeContext());
    }

    @Override
    public KubernetesClient connect(ClusterRef target, KubernetesSerialization serialization, Duration requestTimeout,
                                    Progress progress) {
        // Reached as a GKE cluster is, through a kubeconfig: the same connector, retries and field manager.
        return new GkeClusters(processEnvironment).connect(target, serialization, requestTimeout, progress);
    }

    @Override
    public boolean prepareNamespace(KubernetesClient client, String namespace) {
        try {
            if (client.namespaces().withName(namespace).get() != null) {
                return false;
            }
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                    .addToLabels("kubernetes.io/metadata.name", namespace).endMetadata().build()).create();
            return true;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return false; // another release made it at the same moment
            }
            throw MlshipException.infrastructure("the sandbox's Kubernetes API refused to create namespace " + namespace
                    + ": " + e.getMessage(), "restart the sandbox: mlship sandbox down/up --state " + sandbox.dir(), e);
        }
    }

    /**
     * As on GKE, where the host answers for every Service behind it: the host over HTTPS when the environment's
     * Ingress serves it with TLS (in front of the router, so a canary's header rules hold), else the Service's own
     * address (Gateway routing, where TLS is the platform's Gateway's, or no TLS).
     */
    @Override
    public Optional<String> serviceUrl(KubernetesClient client, EnvironmentView environment, String service) {
        var ingress = client.network().v1().ingresses().inNamespace(environment.namespace()).withName(environment.service()).get();
        String https = ingress == null || ingress.getMetadata().getAnnotations() == null ? null
                : ingress.getMetadata().getAnnotations().get(RolloutSimulator.HTTPS_URL_ANNOTATION);
        if (https != null) {
            return Optional.of(https);
        }
        Service s = client.services().inNamespace(environment.namespace()).withName(service).get();
        if (s == null || s.getMetadata().getAnnotations() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(s.getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION));
    }
}
