package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.mlship.sandbox.tls.SandboxCa;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plays cert-manager: every Certificate gets a Ready condition, True unless issuing was made to fail. With a
 * {@link SandboxCa} it issues for real, as cert-manager's CA issuer does: a key and a certificate for the
 * Certificate's {@code dnsNames}, signed by the CA, in the Secret {@code secretName} of type
 * {@code kubernetes.io/tls} ({@code tls.crt}, {@code tls.key}, {@code ca.crt}, and cert-manager's annotations);
 * issued again when the names change.
 */
final class CertificateIssuer {
    static final ResourceDefinitionContext CERTIFICATES = new ResourceDefinitionContext.Builder()
            .withGroup("cert-manager.io").withVersion("v1").withKind("Certificate").withPlural("certificates").withNamespaced(true).build();

    private static final String ALT_NAMES = "cert-manager.io/alt-names";

    private final KubernetesClient client;
    private final String namespace;
    private final SandboxCa ca;
    private final Runnable afterIssue;
    private volatile boolean succeeds = true;
    private volatile String failure = "Issuing certificate as Secret does not exist";

    /** {@code ca} null: Ready conditions only, no Secret; {@code afterIssue} runs after a Secret was written. */
    CertificateIssuer(KubernetesClient client, String namespace, SandboxCa ca, Runnable afterIssue) {
        this.client = client;
        this.namespace = namespace;
        this.ca = ca;
        this.afterIssue = afterIssue;
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
        if (succeeds && ca != null && writeSecret(cert)) {
            afterIssue.run();
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

    /** Issues into the Secret unless it already holds a certificate for these names; whether it wrote. */
    @SuppressWarnings("unchecked")
    private boolean writeSecret(GenericKubernetesResource cert) {
        if (!(cert.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec)
                || !(spec.get("secretName") instanceof String secretName)
                || !(spec.get("dnsNames") instanceof List<?> names) || names.isEmpty()) {
            return false;
        }
        List<String> dnsNames = names.stream().map(String::valueOf).toList();
        String altNames = String.join(",", dnsNames);
        Secret existing = client.secrets().inNamespace(namespace).withName(secretName).get();
        if (existing != null && existing.getMetadata().getAnnotations() != null
                && altNames.equals(existing.getMetadata().getAnnotations().get(ALT_NAMES))) {
            return false;
        }
        SandboxCa.Issued issued = ca.issue(dnsNames);
        Map<String, Object> issuer = spec.get("issuerRef") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(secretName).withNamespace(namespace)
                .addToAnnotations("cert-manager.io/certificate-name", cert.getMetadata().getName())
                .addToAnnotations("cert-manager.io/issuer-name", String.valueOf(issuer.get("name")))
                .addToAnnotations("cert-manager.io/issuer-kind", String.valueOf(issuer.getOrDefault("kind", "Issuer")))
                .addToAnnotations("cert-manager.io/issuer-group", String.valueOf(issuer.getOrDefault("group", "cert-manager.io")))
                .addToAnnotations("cert-manager.io/common-name", dnsNames.get(0))
                .addToAnnotations(ALT_NAMES, altNames)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", base64(issued.certificatePem()))
                .addToData("tls.key", base64(issued.keyPem()))
                .addToData("ca.crt", base64(issued.caPem()))
                .build();
        client.secrets().inNamespace(namespace).resource(secret).createOr(NonDeletingOperation::update);
        return true;
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }
}
