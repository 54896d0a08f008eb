package io.mlship.kube.connect;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.net.URI;
import java.util.Set;

/**
 * Adds {@code fieldManager=mlship} to every write that names none, so the API server records mlship as the owner
 * of the fields it sets ({@code kubectl get -o yaml --show-managed-fields} shows it): its server-side applies name
 * it themselves; deletes, lease updates and managedFields upgrades get it here.
 */
public final class FieldManager implements Interceptor {
    public static final String NAME = "mlship";
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH");

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        if (!WRITES.contains(request.method())) {
            return;
        }
        URI uri = request.uri();
        String query = uri.getRawQuery();
        if (query != null && query.contains("fieldManager=")) {
            return;
        }
        String added = (query == null || query.isEmpty() ? "" : query + "&") + "fieldManager=" + NAME;
        builder.uri(URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?" + added));
    }
}
