package io.mlship.kube.state;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.mlship.result.MlshipException;
import io.mlship.state.StateConflict;
import io.mlship.state.StateObject;
import io.mlship.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Release state in the environment's namespace, the way Helm keeps releases: one ConfigMap per document, named
 * {@code mlship-state.<service>.<env>.<name>}, its JSON under {@code state.json}. The version is the ConfigMap's
 * resourceVersion; a create of an existing name, or a plain update carrying a stale resourceVersion, is refused
 * by the API server (409), which makes writes compare-and-set without any lock.
 */
public final class ConfigMapStateStore implements StateStore {
    static final String DATA_KEY = "state.json";
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String STATE_OF = "mlship.io/state-of";
    static final String ENVIRONMENT = "mlship.io/environment";
    /** What the API server accepts in one ConfigMap's data (keys and values together). */
    static final int MAX_DATA_BYTES = 1024 * 1024;
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final KubernetesClient client;
    private final String namespace;
    private final String service;
    private final String env;

    public ConfigMapStateStore(KubernetesClient client, String namespace, String service, String env) {
        this.client = client;
        this.namespace = namespace;
        this.service = service;
        this.env = env;
    }

    /** The ConfigMap that holds document {@code name}. */
    public String configMapName(String name) {
        String full = prefix() + name;
        if (full.length() > 253 || !DNS_SUBDOMAIN.matcher(full).matches()) {
            throw new IllegalArgumentException("'" + full + "' is not a valid ConfigMap name (a DNS subdomain of at most "
                    + "253 characters): state document '" + name + "' of service '" + service + "' in '" + env + "'");
        }
        return full;
    }

    @Override
    public Optional<StateObject> read(String name) {
        ConfigMap cm = call("get", () -> resource(name).get());
        return Optional.ofNullable(cm).map(c -> document(name, c));
    }

    @Override
    public StateObject write(String name, String content, String expectedVersion) {
        String cmName = configMapName(name);
        int size = DATA_KEY.length() + content.getBytes(StandardCharsets.UTF_8).length;
        if (size > MAX_DATA_BYTES) {
            throw MlshipException.badInput("state document '" + name + "' is " + size + " bytes, more than a ConfigMap holds ("
                    + MAX_DATA_BYTES + " bytes): ConfigMap " + cmName + " in namespace " + namespace,
                    "keep fewer entries in one document (split it, or drop the oldest)");
        }
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(cmName).withNamespace(namespace)
                .withResourceVersion(expectedVersion)
                .withLabels(Map.of(MANAGED_BY, "mlship", STATE_OF, service, ENVIRONMENT, env)).endMetadata()
                .withData(Map.of(DATA_KEY, content)).build();
        try {
            // update() is a plain PUT with the resourceVersion given: the server refuses it when stale.
            var target = client.configMaps().inNamespace(namespace).resource(cm);
            ConfigMap stored = expectedVersion == null ? target.create() : target.update();
            return document(name, stored);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new StateConflict("ConfigMap " + cmName + " in namespace " + namespace
                        + (expectedVersion == null ? " exists already" : " changed since it was read"));
            }
            if (e.getCode() == 404 && expectedVersion != null) {
                throw new StateConflict("ConfigMap " + cmName + " in namespace " + namespace + " is gone");
            }
            throw failure(expectedVersion == null ? "create" : "update", e);
        }
    }

    @Override
    public void delete(String name) {
        call("delete", () -> resource(name).delete()); // a 404 answers an empty list, not an error
    }

    @Override
    public List<StateObject> list(String prefix) {
        List<ConfigMap> items = call("list", () -> client.configMaps().inNamespace(namespace)
                .withLabel(STATE_OF, service).withLabel(ENVIRONMENT, env).list().getItems());
        String ours = prefix();
        return items.stream()
                .filter(c -> c.getMetadata().getName().startsWith(ours + prefix))
                .map(c -> document(c.getMetadata().getName().substring(ours.length()), c))
                .sorted(Comparator.comparing(StateObject::name))
                .toList();
    }

    @Override
    public String where() {
        return "ConfigMaps " + prefix() + "* in namespace " + namespace;
    }

    private String prefix() {
        return "mlship-state." + service + "." + env + ".";
    }

    private Resource<ConfigMap> resource(String name) {
        return client.configMaps().inNamespace(namespace).withName(configMapName(name));
    }

    private static StateObject document(String name, ConfigMap cm) {
        String content = cm.getData() == null ? null : cm.getData().get(DATA_KEY);
        return new StateObject(name, content == null ? "" : content, cm.getMetadata().getResourceVersion());
    }

    private <T> T call(String verb, Supplier<T> request) {
        try {
            return request.get();
        } catch (KubernetesClientException e) {
            throw failure(verb, e);
        }
    }

    private MlshipException failure(String verb, KubernetesClientException e) {
        if (e.getCode() == 401 || e.getCode() == 403) {
            return MlshipException.badInput("the cluster refused to " + verb + " release state " + where() + " ("
                    + e.getCode() + "): " + e.getMessage(),
                    "mlship needs configmaps: get, list, create, update, delete in namespace " + namespace
                            + "; docs/PERMISSIONS.md lists the Role");
        }
        return MlshipException.infrastructure("could not " + verb + " release state " + where() + ": " + e.getMessage(),
                "check that the cluster's API answers (kubectl get configmaps -n " + namespace + ") and retry", e);
    }
}
