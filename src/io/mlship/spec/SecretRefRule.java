package io.mlship.spec;

import java.util.ArrayList;
import java.util.List;

/**
 * References to existing Kubernetes Secrets ({@code deploy.secretEnv}, {@code deploy.secretVolumes}) that the
 * schema lets through but Kubernetes would refuse or a pod would not run with: a variable that {@code deploy.env}
 * also sets (the kubelet would let one silently win), mount paths that overlap each other or the {@code /tmp}
 * every pod gets, and a mount that would hide the application (its working directory or a folder above it). Names themselves are checked by the schema against Kubernetes' own rules.
 */
final class SecretRefRule implements SpecRule {
    /** The writable emptyDir the renderer mounts in every pod (the root file system is read-only). */
    static final String TMP_MOUNT = "/tmp";

    @Override
    public void check(RuleContext ctx) {
        DeploySpec d = ctx.spec().deploy();
        if (d == null) {
            return;
        }
        d.secretEnv().keySet().stream().filter(d.env()::containsKey).forEach(name ->
                ctx.error(Pointers.child("/deploy/secretEnv", name), "'" + name + "' is also set in deploy.env",
                        "a variable has one value: keep it in secretEnv (from the Secret) or in env (plain), not both"));
        List<String> seen = new ArrayList<>();
        seen.add(TMP_MOUNT);
        for (int i = 0; i < d.secretVolumes().size(); i++) {
            String path = normalise(d.secretVolumes().get(i).path());
            String pointer = "/deploy/secretVolumes/" + i + "/path";
            if (path.equals("/")) {
                ctx.error(pointer, "a Secret cannot be mounted over the whole file system", "mount it in a folder of its own, e.g. /var/run/secrets/<name>");
                continue;
            }
            String workdir = ctx.spec().image() == null ? null : normalise(ctx.spec().image().workdir());
            if (workdir != null && (workdir.equals(path) || workdir.startsWith(path + "/"))) {
                ctx.error(pointer, "mount path " + path + " would hide the image's working directory " + workdir,
                        "a mounted Secret hides what the image has there; mount it in a folder of its own, e.g. /var/run/secrets/<name>");
            }
            for (String other : seen) {
                if (overlaps(path, other)) {
                    ctx.error(pointer, "mount path " + path + " overlaps " + other
                                    + (other.equals(TMP_MOUNT) ? " (the pod's writable /tmp)" : " (another secret volume)"),
                            "give every Secret a folder of its own that is not inside another mount");
                }
            }
            seen.add(path);
        }
    }

    /** Equal, or one inside the other. */
    static boolean overlaps(String a, String b) {
        return a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/");
    }

    private static String normalise(String path) {
        String p = path.replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }
}
