package io.mlship.kube.manifest;

import io.mlship.spec.ReleaseSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** Kubernetes recommended labels plus mlship's own, on every object mlship renders. */
public final class ReleaseLabels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "mlship";

    private ReleaseLabels() {
    }

    /** Labels that select the service's pods; they never change, so selectors stay valid across releases. */
    public static Map<String, String> selector(ReleaseSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", spec.service().name());
        labels.put("app.kubernetes.io/instance", spec.service().name());
        return labels;
    }

    public static Map<String, String> all(ReleaseSpec spec, String environment) {
        Map<String, String> labels = new LinkedHashMap<>(selector(spec));
        labels.put("app.kubernetes.io/component", "server");
        labels.put(MANAGED_BY, MANAGER);
        if (spec.service().team() != null) {
            labels.put("app.kubernetes.io/part-of", spec.service().team());
        }
        labels.put("mlship.io/environment", environment);
        if (spec.deploy() != null) {
            labels.putAll(spec.deploy().labels());
        }
        return labels;
    }
}
