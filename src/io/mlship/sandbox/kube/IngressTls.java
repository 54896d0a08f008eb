package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.sandbox.tls.TlsFront;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plays the ingress controller's TLS: an Ingress whose {@code tls} names a host and a Secret that holds
 * {@code tls.crt} and {@code tls.key} is served over HTTPS with that certificate, on a loopback port, in front of the
 * sandbox's router when there is one (so the host is routed as its Ingresses and HTTPRoutes say, canaries too), else
 * of the server its backend Service's pods really run ({@link RolloutSimulator#URL_ANNOTATION}). The Ingress gets
 * {@link RolloutSimulator#HTTPS_URL_ANNOTATION} ({@code https://HOST:PORT}). A Secret issued again is served anew.
 */
final class IngressTls implements AutoCloseable {
    private record Served(TlsFront front, String secretVersion, String url) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final Map<String, Served> served = new ConcurrentHashMap<>();
    private final InetSocketAddress router;

    IngressTls(KubernetesClient client, String namespace, InetSocketAddress router) {
        this.client = client;
        this.namespace = namespace;
        this.router = router;
    }

    /** Every Ingress of the namespace again: a certificate was just issued. */
    void syncAll() {
        client.network().v1().ingresses().inNamespace(namespace).list().getItems()
                .forEach(i -> sync(i.getMetadata().getName()));
    }

    void sync(String name) {
        Ingress ing = client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
        IngressTLS tls = ing == null || ing.getSpec() == null || ing.getSpec().getTls() == null ? null
                : ing.getSpec().getTls().stream().filter(t -> t.getSecretName() != null && t.getHosts() != null
                        && !t.getHosts().isEmpty()).findFirst().orElse(null);
        if (tls == null) {
            stop(name);
            return;
        }
        Secret secret = client.secrets().inNamespace(namespace).withName(tls.getSecretName()).get();
        if (secret == null || secret.getData() == null || !secret.getData().containsKey("tls.crt")
                || !secret.getData().containsKey("tls.key")) {
            return; // not issued yet: the issuer calls syncAll once it is
        }
        String host = tls.getHosts().get(0);
        Served now = served.get(name);
        String version = secret.getMetadata().getResourceVersion();
        if (now == null || !version.equals(now.secretVersion())) {
            String backend = backendService(ing, host);
            try {
                TlsFront front = TlsFront.start(decode(secret, "tls.crt"), decode(secret, "tls.key"), () -> router != null ? router : address(backend));
                now = new Served(front, version, "https://" + host + ":" + front.port());
            } catch (IOException | RuntimeException e) {
                System.err.println("[mlship sandbox] cannot serve " + host + " over HTTPS: " + e.getMessage());
                return;
            }
            Served before = served.put(name, now);
            if (before != null) {
                before.front().close();
            }
        }
        annotate(ing, now.url());
    }

    private void annotate(Ingress ing, String url) {
        Map<String, String> a = ing.getMetadata().getAnnotations();
        if (a != null && url.equals(a.get(RolloutSimulator.HTTPS_URL_ANNOTATION))) {
            return;
        }
        client.network().v1().ingresses().inNamespace(namespace).withName(ing.getMetadata().getName()).edit(i -> {
            Map<String, String> annotations = new LinkedHashMap<>(i.getMetadata().getAnnotations() == null
                    ? Map.of() : i.getMetadata().getAnnotations());
            annotations.put(RolloutSimulator.HTTPS_URL_ANNOTATION, url);
            i.getMetadata().setAnnotations(annotations);
            return i;
        });
    }

    /** The Service the host's first path routes to. */
    private static String backendService(Ingress ing, String host) {
        for (IngressRule rule : ing.getSpec().getRules() == null ? java.util.List.<IngressRule>of() : ing.getSpec().getRules()) {
            if ((rule.getHost() == null || rule.getHost().equals(host)) && rule.getHttp() != null) {
                for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                    if (p.getBackend() != null && p.getBackend().getService() != null) {
                        return p.getBackend().getService().getName();
                    }
                }
            }
        }
        return null;
    }

    /** Where the Service's pods serve now; null while none is ready. */
    private InetSocketAddress address(String service) {
        if (service == null) {
            return null;
        }
        Service s = client.services().inNamespace(namespace).withName(service).get();
        String url = s == null || s.getMetadata().getAnnotations() == null ? null
                : s.getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION);
        if (url == null) {
            return null;
        }
        URI u = URI.create(url);
        return new InetSocketAddress(u.getHost(), u.getPort());
    }

    private static String decode(Secret s, String key) {
        return new String(Base64.getDecoder().decode(s.getData().get(key)), StandardCharsets.US_ASCII);
    }

    private void stop(String name) {
        Served s = served.remove(name);
        if (s != null) {
            s.front().close();
        }
    }

    @Override
    public void close() {
        served.values().forEach(s -> s.front().close());
        served.clear();
    }
}
