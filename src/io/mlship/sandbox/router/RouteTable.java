package io.mlship.sandbox.router;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntUnaryOperator;

/**
 * Which Service answers a request, decided from the cluster's Ingresses and HTTPRoutes as their controllers
 * document it. nginx: the main Ingress of a host, and a canary Ingress beside it, taken when its
 * {@code canary-by-header} is {@code always}, never when {@code never}, else by {@code canary-weight} percent.
 * Gateway API: of the HTTPRoute rules matching the path (prefix) and all their exact header matches, the one with the
 * longest path, then the most header matches; then a backend drawn by {@code weight} (default 1, 0 never).
 *
 * @param random draws an int in [0, bound): the weights' dice, fixed in tests
 */
record RouteTable(List<Ingress> ingresses, List<GenericKubernetesResource> httpRoutes, IntUnaryOperator random) {
    static final String NGINX = "nginx.ingress.kubernetes.io/";

    /** A Service of a namespace. */
    record Backend(String namespace, String service) {
    }

    /** @param headers request headers, names lower-case */
    Optional<Backend> route(String host, String path, Map<String, String> headers) {
        Optional<Backend> viaGateway = gateway(host, path, headers);
        return viaGateway.isPresent() ? viaGateway : nginx(host, path, headers);
    }

    private Optional<Backend> nginx(String host, String path, Map<String, String> headers) {
        Backend main = null;
        Backend canary = null;
        Map<String, String> canaryAnnotations = Map.of();
        for (Ingress ing : ingresses) {
            Optional<String> service = serviceFor(ing, host, path);
            if (service.isEmpty()) {
                continue;
            }
            Map<String, String> a = ing.getMetadata().getAnnotations() == null ? Map.of() : ing.getMetadata().getAnnotations();
            Backend b = new Backend(ing.getMetadata().getNamespace(), service.get());
            if ("true".equals(a.get(NGINX + "canary"))) {
                canary = b;
                canaryAnnotations = a;
            } else {
                main = b;
            }
        }
        if (main == null || canary == null) {
            return Optional.ofNullable(main); // nginx serves a canary Ingress only beside a main one
        }
        String header = canaryAnnotations.get(NGINX + "canary-by-header");
        String value = header == null ? null : headers.get(header.toLowerCase(java.util.Locale.ROOT));
        if ("always".equals(value)) {
            return Optional.of(canary);
        }
        if ("never".equals(value)) {
            return Optional.of(main);
        }
        int weight = parse(canaryAnnotations.get(NGINX + "canary-weight"));
        return Optional.of(random.applyAsInt(100) < weight ? canary : main);
    }

    private static Optional<String> serviceFor(Ingress ing, String host, String path) {
        if (ing.getSpec() == null || ing.getSpec().getRules() == null) {
            return Optional.empty();
        }
        for (IngressRule rule : ing.getSpec().getRules()) {
            if (!host.equals(rule.getHost()) || rule.getHttp() == null) {
                continue;
            }
            for (HTTPIngressPath p : rule.getHttp().getPaths()) {
                if (path.startsWith(p.getPath() == null ? "/" : p.getPath()) && p.getBackend().getService() != null) {
                    return Optional.of(p.getBackend().getService().getName());
                }
            }
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private Optional<Backend> gateway(String host, String path, Map<String, String> headers) {
        Map<String, Object> best = null;
        String bestNamespace = null;
        int bestPath = -1;
        int bestHeaders = -1;
        for (GenericKubernetesResource route : httpRoutes) {
            Map<String, Object> spec = (Map<String, Object>) route.getAdditionalProperties().get("spec");
            if (spec == null || !((List<String>) spec.getOrDefault("hostnames", List.of())).contains(host)) {
                continue;
            }
            for (Map<String, Object> rule : (List<Map<String, Object>>) spec.getOrDefault("rules", List.of())) {
                for (Map<String, Object> match : (List<Map<String, Object>>) rule.getOrDefault("matches", List.of(Map.of()))) {
                    Map<String, Object> p = (Map<String, Object>) match.getOrDefault("path", Map.of("value", "/"));
                    String prefix = String.valueOf(p.getOrDefault("value", "/"));
                    List<Map<String, Object>> hs = (List<Map<String, Object>>) match.getOrDefault("headers", List.of());
                    boolean matches = path.startsWith(prefix) && hs.stream().allMatch(h -> String.valueOf(h.get("value"))
                            .equals(headers.get(String.valueOf(h.get("name")).toLowerCase(java.util.Locale.ROOT))));
                    if (matches && (prefix.length() > bestPath || prefix.length() == bestPath && hs.size() > bestHeaders)) {
                        best = rule;
                        bestNamespace = route.getMetadata().getNamespace();
                        bestPath = prefix.length();
                        bestHeaders = hs.size();
                    }
                }
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        List<Map<String, Object>> refs = new ArrayList<>((List<Map<String, Object>>) best.getOrDefault("backendRefs", List.of()));
        int total = refs.stream().mapToInt(RouteTable::weight).sum();
        if (total == 0) {
            return Optional.empty();
        }
        int dice = random.applyAsInt(total);
        for (Map<String, Object> ref : refs) {
            dice -= weight(ref);
            if (dice < 0) {
                String namespace = ref.get("namespace") != null ? String.valueOf(ref.get("namespace")) : bestNamespace;
                return Optional.of(new Backend(namespace, String.valueOf(ref.get("name"))));
            }
        }
        return Optional.empty();
    }

    private static int weight(Map<String, Object> ref) {
        Object w = ref.get("weight");
        return w == null ? 1 : ((Number) w).intValue();
    }

    private static int parse(String percent) {
        try {
            return percent == null ? 0 : Integer.parseInt(percent.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
