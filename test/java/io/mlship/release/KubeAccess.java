package io.mlship.release;

import java.net.URI;
import java.util.List;

/**
 * What one request to the Kubernetes API asks to do, in RBAC's terms: API group, resource and verb, as the API
 * server's authorizer reads a request path ({@code /api/v1/namespaces/reco/services/x} → core, services, get).
 * Null for non-resource paths (discovery, /version), which every authenticated user may read.
 */
record KubeAccess(String group, String resource, String verb) {

    static KubeAccess of(String method, String pathAndQuery) {
        URI uri = URI.create(pathAndQuery);
        List<String> parts = List.of(uri.getPath().replaceAll("^/+|/+$", "").split("/"));
        int at;
        String group;
        if (parts.size() >= 2 && parts.get(0).equals("api")) {
            group = "";
            at = 2;
        } else if (parts.size() >= 3 && parts.get(0).equals("apis")) {
            group = parts.get(1);
            at = 3;
        } else {
            return null;
        }
        List<String> rest = parts.subList(at, parts.size());
        if (rest.isEmpty()) {
            return null; // discovery of the group version
        }
        if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
            rest = rest.subList(2, rest.size()); // namespaced: the resource follows the namespace's name
        }
        String resource = rest.get(0);
        boolean named = rest.size() >= 2;
        if (rest.size() >= 3) {
            resource = resource + "/" + rest.get(2); // a subresource: deployments/scale, pods/log
        }
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        boolean watch = query.matches("(.*&)?watch=(true|1)(&.*)?");
        String verb = switch (method) {
            case "GET" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(java.util.Locale.ROOT);
        };
        return new KubeAccess(group, resource, verb);
    }

    @Override
    public String toString() {
        return verb + " " + resource + (group.isEmpty() ? "" : "." + group);
    }
}
