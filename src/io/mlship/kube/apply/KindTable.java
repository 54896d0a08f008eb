package io.mlship.kube.apply;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Optional;

/**
 * The kinds mlship renders, in apply order (what others depend on first), with their REST coordinates.
 * Written out rather than discovered, so a cluster (or the sandbox API) without discovery works the same, and
 * pruning only ever looks at kinds mlship itself creates.
 */
public final class KindTable {
    private static final List<ResourceDefinitionContext> KINDS = List.of(
            kind("", "v1", "ServiceAccount", "serviceaccounts"),
            kind("", "v1", "ConfigMap", "configmaps"),
            kind("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies"),
            kind("apps", "v1", "Deployment", "deployments"),
            kind("", "v1", "Service", "services"),
            kind("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets"),
            kind("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
            kind("cert-manager.io", "v1", "Certificate", "certificates"),
            kind("networking.k8s.io", "v1", "Ingress", "ingresses"),
            kind("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes"));

    /** Kinds a cluster has only when their add-on is installed (cert-manager, Gateway API): none of them is ours then. */
    private static final List<String> ADD_ON_KINDS = List.of("Certificate", "HTTPRoute");

    private KindTable() {
    }

    private static ResourceDefinitionContext kind(String group, String version, String kind, String plural) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(group).withVersion(version).withKind(kind).withPlural(plural).withNamespaced(true).build();
    }

    public static List<ResourceDefinitionContext> all() {
        return KINDS;
    }

    public static Optional<ResourceDefinitionContext> of(String apiVersion, String kind) {
        return KINDS.stream().filter(k -> k.getKind().equals(kind) && apiVersion(k).equals(apiVersion)).findFirst();
    }

    public static String apiVersion(ResourceDefinitionContext k) {
        return k.getGroup() == null || k.getGroup().isEmpty() ? k.getVersion() : k.getGroup() + "/" + k.getVersion();
    }

    public static boolean fromAddOn(String kind) {
        return ADD_ON_KINDS.contains(kind);
    }

    /** Position in apply order; deletes go the other way. */
    public static int order(String kind) {
        for (int i = 0; i < KINDS.size(); i++) {
            if (KINDS.get(i).getKind().equals(kind)) {
                return i;
            }
        }
        return KINDS.size();
    }
}
