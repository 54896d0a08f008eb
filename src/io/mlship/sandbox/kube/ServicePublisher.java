package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tells clients where a Deployment's current revision really serves: the annotation {@link RolloutSimulator#URL_ANNOTATION}
 * ({@code http://127.0.0.1:PORT}) on every Service of the namespace whose selector matches its pods, also on
 * Services created or re-applied later.
 */
final class ServicePublisher {
    private static final String URL_ANNOTATION = RolloutSimulator.URL_ANNOTATION;

    private record Published(Map<String, String> podLabels, String url) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, Published> byDeployment = new ConcurrentHashMap<>();

    ServicePublisher(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    void publish(String deployment, Map<String, String> podLabels, String url) {
        byDeployment.put(deployment, new Published(Map.copyOf(podLabels), url));
        client.services().inNamespace(namespace).list().getItems().forEach(this::annotate);
    }

    void forget(String deployment) {
        byDeployment.remove(deployment);
    }

    /** A Service was added or changed: give it the URL of the pods it selects, if any serve. */
    void onService(String name) {
        Service s = client.services().inNamespace(namespace).withName(name).get();
        if (s != null) {
            annotate(s);
        }
    }

    private void annotate(Service s) {
        Map<String, String> selector = s.getSpec() == null ? null : s.getSpec().getSelector();
        if (selector == null || selector.isEmpty()) {
            return;
        }
        for (Published p : byDeployment.values()) {
            if (p.podLabels().entrySet().containsAll(selector.entrySet())) {
                Map<String, String> annotations = s.getMetadata().getAnnotations();
                if (annotations != null && p.url().equals(annotations.get(URL_ANNOTATION))) {
                    return;
                }
                client.services().inNamespace(namespace).withName(s.getMetadata().getName()).edit(svc -> {
                    Map<String, String> a = new LinkedHashMap<>(svc.getMetadata().getAnnotations() == null
                            ? Map.of() : svc.getMetadata().getAnnotations());
                    a.put(URL_ANNOTATION, p.url());
                    svc.getMetadata().setAnnotations(a);
                    return svc;
                });
                return;
            }
        }
    }
}
