package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plays cert-manager: every Certificate gets a Ready condition, True unless issuing was made to fail. */
final class CertificateIssuer {
    static final ResourceDefinitionContext CERTIFICATES = new ResourceDefinitionContext.Builder()
            .withGroup("cert-manager.io").withVersion("v1").withKind("Certificate").withPlural("certificates").withNamespaced(true).build();

    private final KubernetesClient client;
    private final String namespace;
    private volatile boolean succeeds = true;
    private volatile String failure = "Issuing certificate as Secret does not exist";

    CertificateIssuer(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** From now on issuing fails with this reason (as an ACME challenge would report it). */
    void fail(String reason) {
        succeeds = false;
        failure = reason;
    }

    @SuppressWarnings("unchecked")
    void issue(String name) {
        GenericKubernetesResource cert = client.genericKubernetesResources(CERTIFICATES).inNamespace(namespace).withName(name).get();
        if (cert == null) {
            return;
        }
        Object status = cert.getAdditionalProperties().get("status");
        String want = succeeds ? "True" : "False";
        if (status instanceof Map<?, ?> s && s.get("conditions") instanceof List<?> conds && !conds.isEmpty()
                && want.equals(((Map<String, Object>) conds.get(0)).get("status"))) {
            return; // already says so: writing again would only wake the watchers
        }
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", "Ready");
        condition.put("status", want);
        condition.put("reason", succeeds ? "Ready" : "DoesNotExist");
        condition.put("message", succeeds ? "Certificate is up to date and has not expired" : failure);
        condition.put("lastTransitionTime", Instant.now().toString());
        cert.setAdditionalProperty("status", Map.of("conditions", List.of(condition)));
        client.genericKubernetesResources(CERTIFICATES).inNamespace(namespace).resource(cert).updateStatus();
    }
}
