package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * The discovery documents a Kubernetes API serves so clients can map kinds to resources: {@code /api},
 * {@code /api/v1}, {@code /apis}, {@code /apis/GROUP/VERSION} and {@code /version}, and the OpenAPI v3 index and
 * group documents ({@code /openapi/v3…}). fabric8's mock API has none; kubectl needs them for every command. Only
 * the kinds the sandbox stores and mlship renders are listed.
 */
final class ApiDiscovery {
    private record Resource(String plural, String kind, boolean namespaced, boolean status, String... shortNames) {
    }

    private record GroupVersion(String group, String version, List<Resource> resources) {
        String path() {
            return group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        }

        String groupVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }
    }

    private static final List<String> VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private static final List<GroupVersion> GROUPS = List.of(
            new GroupVersion("", "v1", List.of(
                    new Resource("namespaces", "Namespace", false, true, "ns"),
                    new Resource("pods", "Pod", true, true, "po"),
                    new Resource("services", "Service", true, true, "svc"),
                    new Resource("configmaps", "ConfigMap", true, false, "cm"),
                    new Resource("secrets", "Secret", true, false),
                    new Resource("serviceaccounts", "ServiceAccount", true, false, "sa"),
                    new Resource("events", "Event", true, false, "ev"))),
            new GroupVersion("apps", "v1", List.of(
                    new Resource("deployments", "Deployment", true, true, "deploy"),
                    new Resource("replicasets", "ReplicaSet", true, true, "rs"))),
            new GroupVersion("networking.k8s.io", "v1", List.of(
                    new Resource("ingresses", "Ingress", true, true, "ing"),
                    new Resource("networkpolicies", "NetworkPolicy", true, false, "netpol"))),
            new GroupVersion("policy", "v1", List.of(
                    new Resource("poddisruptionbudgets", "PodDisruptionBudget", true, true, "pdb"))),
            new GroupVersion("autoscaling", "v2", List.of(
                    new Resource("horizontalpodautoscalers", "HorizontalPodAutoscaler", true, true, "hpa"))),
            new GroupVersion("coordination.k8s.io", "v1", List.of(
                    new Resource("leases", "Lease", true, false))),
            new GroupVersion("cert-manager.io", "v1", List.of(
                    new Resource("certificates", "Certificate", true, true, "cert", "certs"))),
            new GroupVersion("gateway.networking.k8s.io", "v1", List.of(
                    new Resource("httproutes", "HTTPRoute", true, true))));

    private final ObjectMapper json = new ObjectMapper();

    /** The document served at {@code path} (no query), or empty when the path is not a discovery path. */
    Optional<String> document(String path) {
        if (path.equals("/api")) {
            ObjectNode doc = json.createObjectNode().put("kind", "APIVersions");
            doc.putArray("versions").add("v1");
            doc.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "127.0.0.1");
            return Optional.of(doc.toString());
        }
        if (path.equals("/apis")) {
            ObjectNode doc = json.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
            ArrayNode groups = doc.putArray("groups");
            for (GroupVersion gv : GROUPS) {
                if (gv.group().isEmpty()) {
                    continue;
                }
                ObjectNode g = groups.addObject().put("name", gv.group());
                ObjectNode v = json.createObjectNode().put("groupVersion", gv.groupVersion()).put("version", gv.version());
                g.putArray("versions").add(v);
                g.set("preferredVersion", v.deepCopy());
            }
            return Optional.of(doc.toString());
        }
        if (path.equals("/version")) {
            return Optional.of(json.createObjectNode().put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-mlship-sandbox")
                    .put("platform", "linux/amd64").toString());
        }
        if (path.equals("/openapi/v3")) {
            ObjectNode doc = json.createObjectNode();
            ObjectNode paths = doc.putObject("paths");
            GROUPS.forEach(gv -> paths.putObject(gv.path().substring(1)).put("serverRelativeURL", "/openapi/v3" + gv.path()));
            return Optional.of(doc.toString());
        }
        if (path.startsWith("/openapi/v3/")) {
            String gvPath = path.substring("/openapi/v3".length());
            return GROUPS.stream().filter(gv -> gv.path().equals(gvPath)).findFirst().map(this::openApi);
        }
        return GROUPS.stream().filter(gv -> gv.path().equals(path)).findFirst().map(this::resourceList);
    }

    /**
     * A group version's OpenAPI v3 document, reduced to what kubectl reads from it: each kind's PATCH operation
     * with the {@code fieldValidation} parameter, so kubectl leaves validation to the server (this API accepts any
     * field) instead of wanting schemas to validate against. No schemas and no strategic-merge-patch content type:
     * kubectl then builds its patches from its own copy of the built-in types (JSON merge patches for
     * Certificates), as with a server that publishes no schemas.
     */
    private String openApi(GroupVersion gv) {
        ObjectNode doc = json.createObjectNode().put("openapi", "3.0.0");
        doc.putObject("info").put("title", "mlship sandbox Kubernetes API").put("version", "v1.32.0");
        ObjectNode paths = doc.putObject("paths");
        for (Resource r : gv.resources()) {
            String item = gv.path() + (r.namespaced() ? "/namespaces/{namespace}/" : "/") + r.plural() + "/{name}";
            ObjectNode patch = paths.putObject(item).putObject("patch");
            patch.putObject("x-kubernetes-group-version-kind").put("group", gv.group()).put("version", gv.version()).put("kind", r.kind());
            patch.putArray("parameters").addObject().put("name", "fieldValidation").put("in", "query")
                    .putObject("schema").put("type", "string");
            patch.putObject("requestBody").putObject("content").putObject("application/merge-patch+json")
                    .putObject("schema").put("type", "object");
            patch.putObject("responses").putObject("200").put("description", "OK");
        }
        doc.putObject("components").putObject("schemas");
        return doc.toString();
    }

    private String resourceList(GroupVersion gv) {
        ObjectNode doc = json.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", gv.groupVersion());
        ArrayNode list = doc.putArray("resources");
        for (Resource r : gv.resources()) {
            ObjectNode o = list.addObject().put("name", r.plural()).put("singularName", r.kind().toLowerCase(java.util.Locale.ROOT))
                    .put("namespaced", r.namespaced()).put("kind", r.kind());
            VERBS.forEach(o.putArray("verbs")::add);
            if (r.shortNames().length > 0) {
                ArrayNode names = o.putArray("shortNames");
                for (String s : r.shortNames()) {
                    names.add(s);
                }
            }
            if (r.status()) {
                ObjectNode s = list.addObject().put("name", r.plural() + "/status").put("singularName", "")
                        .put("namespaced", r.namespaced()).put("kind", r.kind());
                s.putArray("verbs").add("get").add("patch").add("update");
            }
        }
        return doc.toString();
    }
}
