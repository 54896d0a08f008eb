package io.mlship.kube.manifest;

import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.mlship.spec.DeploySpec;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.ReleaseSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the host's traffic reaches the service: an Ingress (with its cert-manager Certificate) or a Gateway API
 * HTTPRoute on the platform's Gateway, which holds the certificate itself. During a canary step, the candidate's
 * share: nginx's canary Ingress beside the main one, or the HTTPRoute's weighted backends. Either way, requests
 * carrying the canary header with the value {@code always} reach the candidate, so the gate can judge it alone, and
 * those with {@code never} reach stable, the gate's baseline.
 */
final class RouteRenderer {
    static final String HTTP_ROUTE_API_VERSION = "gateway.networking.k8s.io/v1";
    static final String NGINX = "nginx.ingress.kubernetes.io/";
    static final String ALWAYS = "always";
    static final String NEVER = "never";

    private final ReleaseSpec spec;
    private final EnvironmentSpec env;
    private final Map<String, String> labels;

    RouteRenderer(ReleaseSpec spec, EnvironmentSpec env, Map<String, String> labels) {
        this.spec = spec;
        this.env = env;
        this.labels = labels;
    }

    /** What routes the host to the stable service: HTTPRoute, or Certificate (when TLS is on) and Ingress; none when off. */
    List<HasMetadata> stable() {
        DeploySpec deploy = spec.deploy();
        if (deploy.routesThroughGateway()) {
            return List.of(httpRoute(0));
        }
        DeploySpec.Ingress ingress = deploy.ingress();
        if (ingress == null || !ingress.enabled()) {
            return List.of();
        }
        boolean tls = ingress.tls() != null && ingress.tls().enabled();
        return tls ? List.of(certificate(), ingress(tls)) : List.of(ingress(tls));
    }

    /** The route giving the candidate {@code percent} of the host's traffic (gateway: the whole HTTPRoute). */
    HasMetadata canary(int percent) {
        return spec.deploy().routesThroughGateway() ? httpRoute(percent) : canaryIngress(percent);
    }

    /**
     * An explicit cert-manager Certificate rather than the ingress-shim annotation: mlship owns and labels it
     * (so pruning and rollback cover it), and its Ready condition is what the deploy waits on and explains.
     */
    private HasMetadata certificate() {
        DeploySpec.Tls tls = spec.deploy().ingress().tls();
        Map<String, Object> issuerRef = new LinkedHashMap<>();
        issuerRef.put("name", tls.issuer());
        issuerRef.put("kind", "ClusterIssuer");
        issuerRef.put("group", "cert-manager.io");
        Map<String, Object> certSpec = new LinkedHashMap<>();
        certSpec.put("secretName", ManifestRenderer.tlsSecretName(spec));
        certSpec.put("dnsNames", List.of(env.host()));
        certSpec.put("issuerRef", issuerRef);
        certSpec.put("usages", List.of("digital signature", "key encipherment", "server auth"));
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(ManifestRenderer.CERTIFICATE_API_VERSION)
                .withKind("Certificate")
                .withMetadata(meta(spec.service().name(), labels, Map.of()))
                .addToAdditionalProperties("spec", certSpec)
                .build();
    }

    private HasMetadata ingress(boolean tls) {
        DeploySpec.Ingress ingress = spec.deploy().ingress();
        IngressBuilder b = ingressTo(spec.service().name(), spec.service().name(), labels, ingress.annotations());
        if (tls) {
            b.editSpec().addNewTl().withHosts(env.host()).withSecretName(ManifestRenderer.tlsSecretName(spec)).endTl().endSpec();
        }
        return b.build();
    }

    /**
     * nginx's canary Ingress: same host and path as the main Ingress, to the candidate's Service, with the share and
     * the header that always reaches it (nginx takes the main Ingress's TLS for the host).
     */
    private HasMetadata canaryIngress(int percent) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(NGINX + "canary", "true");
        annotations.put(NGINX + "canary-weight", Integer.toString(percent));
        annotations.put(NGINX + "canary-by-header", spec.deploy().canary().header());
        String candidate = CanaryRenderer.candidateName(spec);
        return ingressTo(candidate, candidate, CanaryRenderer.candidateLabels(labels, spec), annotations).build();
    }

    private IngressBuilder ingressTo(String name, String service, Map<String, String> objectLabels, Map<String, String> annotations) {
        DeploySpec.Ingress ingress = spec.deploy().ingress();
        return new IngressBuilder()
                .withMetadata(meta(name, objectLabels, annotations))
                .withNewSpec()
                .withIngressClassName(ingress.className())
                .addNewRule().withHost(env.host()).withNewHttp()
                .addNewPath().withPath(ingress.path()).withPathType("Prefix")
                .withNewBackend().withNewService().withName(service)
                .withNewPort().withName(ManifestRenderer.PORT_NAME).endPort().endService().endBackend()
                .endPath()
                .endHttp().endRule()
                .endSpec();
    }

    /** The HTTPRoute on the environment's Gateway; with a share, the header rule first and weighted backends. */
    private HasMetadata httpRoute(int percent) {
        EnvironmentSpec.Gateway gateway = env.gateway();
        Map<String, Object> parent = new LinkedHashMap<>();
        parent.put("group", "gateway.networking.k8s.io");
        parent.put("kind", "Gateway");
        parent.put("name", gateway.name());
        parent.put("namespace", gateway.namespace());
        if (gateway.sectionName() != null) {
            parent.put("sectionName", gateway.sectionName());
        }
        String stable = spec.service().name();
        List<Map<String, Object>> rules = new ArrayList<>();
        if (percent > 0) {
            String candidate = CanaryRenderer.candidateName(spec);
            rules.add(rule(match(List.of(canaryHeader(ALWAYS))), List.of(backend(candidate, null))));
            rules.add(rule(match(List.of(canaryHeader(NEVER))), List.of(backend(stable, null))));
            rules.add(rule(match(List.of()), List.of(backend(stable, 100 - percent), backend(candidate, percent))));
        } else {
            rules.add(rule(match(List.of()), List.of(backend(stable, null))));
        }
        Map<String, Object> routeSpec = new LinkedHashMap<>();
        routeSpec.put("parentRefs", List.of(parent));
        routeSpec.put("hostnames", List.of(env.host()));
        routeSpec.put("rules", rules);
        return new GenericKubernetesResourceBuilder()
                .withApiVersion(HTTP_ROUTE_API_VERSION)
                .withKind("HTTPRoute")
                .withMetadata(meta(stable, labels, Map.of()))
                .addToAdditionalProperties("spec", routeSpec)
                .build();
    }

    /** The canary header with {@code value}: the same two values nginx's {@code canary-by-header} knows. */
    private Map<String, Object> canaryHeader(String value) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("type", "Exact");
        header.put("name", spec.deploy().canary().header());
        header.put("value", value);
        return header;
    }

    private Map<String, Object> match(List<Map<String, Object>> headers) {
        Map<String, Object> path = new LinkedHashMap<>();
        path.put("type", "PathPrefix");
        path.put("value", spec.deploy().ingress() == null ? "/" : spec.deploy().ingress().path());
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("path", path);
        if (!headers.isEmpty()) {
            match.put("headers", headers);
        }
        return match;
    }

    private static Map<String, Object> rule(Map<String, Object> match, List<Map<String, Object>> backends) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("matches", List.of(match));
        rule.put("backendRefs", backends);
        return rule;
    }

    private Map<String, Object> backend(String service, Integer weight) {
        Map<String, Object> ref = new LinkedHashMap<>();
        ref.put("name", service);
        ref.put("port", spec.deploy().servicePort());
        if (weight != null) {
            ref.put("weight", weight);
        }
        return ref;
    }

    private io.fabric8.kubernetes.api.model.ObjectMeta meta(String name, Map<String, String> objectLabels, Map<String, String> annotations) {
        return new ObjectMetaBuilder().withName(name).withNamespace(env.namespace())
                .withLabels(new LinkedHashMap<>(objectLabels))
                .withAnnotations(annotations == null || annotations.isEmpty() ? null : new LinkedHashMap<>(annotations))
                .build();
    }
}
