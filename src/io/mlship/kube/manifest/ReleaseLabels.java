package io.mlship.kube.manifest;

import io.mlship.spec.ReleaseSpec;
import java.util.LinkedHashMap;
import java.util.Map;

/** Kubernetes recommended labels plus mlship's own, on every object mlship renders. */
public final class ReleaseLabels {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGER = "mlship";
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String ENVIRONMENT = "mlship.io/environment";
    public static final String RELEASE = "mlship.io/release";
    public static final String GIT_SHA = "mlship.io/git-sha";

    private ReleaseLabels() {
    }

    /** Labels that select the service's pods; they never change, so selectors stay valid across releases. */
    public static Map<String, String> selector(ReleaseSpec spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", spec.service().name());
        labels.put(INSTANCE, spec.service().name());
        return labels;
    }

    public static Map<String, String> all(ReleaseSpec spec, String environment) {
        Map<String, String> labels = new LinkedHashMap<>(selector(spec));
        labels.put("app.kubernetes.io/component", "server");
        labels.put(MANAGED_BY, MANAGER);
        if (spec.service().team() != null) {
            labels.put("app.kubernetes.io/part-of", spec.service().team());
        }
        labels.put(ENVIRONMENT, environment);
        if (spec.deploy() != null) {
            labels.putAll(spec.deploy().labels());
        }
        return labels;
    }

    /** The pod template's labels plus which release and commit the object came from (object metadata only). */
    public static Map<String, String> withRelease(Map<String, String> labels, ReleaseIdentity release) {
        Map<String, String> out = new LinkedHashMap<>(labels);
        if (release.releaseId() != null) {
            out.put(RELEASE, release.releaseId());
        }
        if (release.gitSha() != null) {
            out.put(GIT_SHA, release.gitSha());
        }
        return out;
    }

    /** Selects every object mlship manages for this service: what pruning may delete. */
    public static Map<String, String> owned(String service) {
        return Map.of(MANAGED_BY, MANAGER, INSTANCE, service);
    }
}
