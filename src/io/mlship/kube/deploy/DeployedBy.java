package io.mlship.kube.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who deployed what runs: the build and its approver. Per-build facts, so they go on the Deployment's own metadata
 * as annotations and never on its pod template or into the image: a new build of the same content changes them
 * without a new revision.
 */
public record DeployedBy(String buildUrl, String approvedBy) {
    public static final String BUILD_URL = "mlship.io/build-url";
    public static final String APPROVED_BY = "mlship.io/approved-by";
    public static final DeployedBy UNKNOWN = new DeployedBy(null, null);

    public DeployedBy {
        buildUrl = blankToNull(buildUrl);
        approvedBy = blankToNull(approvedBy);
    }

    /** The annotations, only those known. */
    public Map<String, String> annotations() {
        Map<String, String> out = new LinkedHashMap<>();
        if (buildUrl != null) {
            out.put(BUILD_URL, buildUrl);
        }
        if (approvedBy != null) {
            out.put(APPROVED_BY, approvedBy);
        }
        return out;
    }

    /** What {@code deployment}'s annotations say; unknown for an object that has none. */
    public static DeployedBy of(GenericKubernetesResource deployment) {
        Map<String, String> a = deployment == null ? null : deployment.getMetadata().getAnnotations();
        return a == null ? UNKNOWN : new DeployedBy(a.get(BUILD_URL), a.get(APPROVED_BY));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
