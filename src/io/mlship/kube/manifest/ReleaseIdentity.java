package io.mlship.kube.manifest;

import java.util.regex.Pattern;

/**
 * Which release an object came from: mlship's release id and the git commit it was built from. Both go on
 * object metadata only, never on the pod template, so re-labelling a release never restarts pods.
 */
public record ReleaseIdentity(String releaseId, String gitSha) {
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    public static final ReleaseIdentity NONE = new ReleaseIdentity(null, null);

    public ReleaseIdentity {
        check("release id", releaseId);
        check("git sha", gitSha);
    }

    private static void check(String what, String value) {
        if (value != null && !LABEL_VALUE.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a Kubernetes label value "
                    + "(at most 63 of A-Z a-z 0-9 - _ . , starting and ending alphanumeric)");
        }
    }

    public ReleaseIdentity withReleaseId(String id) {
        return new ReleaseIdentity(id, gitSha);
    }
}
