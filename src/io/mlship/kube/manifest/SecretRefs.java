package io.mlship.kube.manifest;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.KeyToPathBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.mlship.spec.DeploySpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The pod's references to existing Secrets: env vars from {@code valueFrom.secretKeyRef} and read-only
 * {@code secret} volumes. Only names and keys are rendered: mlship never reads a Secret, so no value can reach a
 * manifest, a log or a result. The references are not optional: a missing Secret or key stops the pod
 * (CreateContainerConfigError), which fails the rollout and names it, rather than a server starting without it.
 */
final class SecretRefs {
    private static final int MAX_VOLUME_NAME = 63;

    private SecretRefs() {
    }

    static List<EnvVar> env(DeploySpec deploy) {
        List<EnvVar> vars = new ArrayList<>();
        deploy.secretEnv().forEach((name, ref) -> vars.add(new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewSecretKeyRef().withName(ref.secret()).withKey(ref.key()).endSecretKeyRef().endValueFrom()
                .build()));
        return vars;
    }

    static List<Volume> volumes(DeploySpec deploy) {
        List<String> names = volumeNames(deploy);
        List<Volume> volumes = new ArrayList<>();
        for (int i = 0; i < deploy.secretVolumes().size(); i++) {
            DeploySpec.SecretVolume v = deploy.secretVolumes().get(i);
            VolumeBuilder b = new VolumeBuilder().withName(names.get(i));
            var secret = b.withNewSecret().withSecretName(v.secret());
            // Each listed key becomes a file of its own name, as it would with no items at all.
            v.items().forEach(key -> secret.addToItems(new KeyToPathBuilder().withKey(key).withPath(key).build()));
            volumes.add(secret.endSecret().build());
        }
        return volumes;
    }

    static List<VolumeMount> mounts(DeploySpec deploy) {
        List<String> names = volumeNames(deploy);
        List<VolumeMount> mounts = new ArrayList<>();
        for (int i = 0; i < deploy.secretVolumes().size(); i++) {
            mounts.add(new VolumeMountBuilder().withName(names.get(i)).withMountPath(deploy.secretVolumes().get(i).path())
                    .withReadOnly(true).build());
        }
        return mounts;
    }

    /**
     * {@code secret-<name>} as a DNS-1123 label (volume names are labels, Secret names subdomains), numbered when
     * one Secret is mounted twice; stable while the spec's list is, so a re-render changes nothing.
     */
    static List<String> volumeNames(DeploySpec deploy) {
        Set<String> taken = new HashSet<>();
        List<String> names = new ArrayList<>();
        for (DeploySpec.SecretVolume v : deploy.secretVolumes()) {
            String base = "secret-" + v.secret().toLowerCase(Locale.ROOT).replace('.', '-');
            String name = trim(base, MAX_VOLUME_NAME);
            for (int n = 2; !taken.add(name); n++) {
                String suffix = "-" + n;
                name = trim(base, MAX_VOLUME_NAME - suffix.length()) + suffix;
            }
            names.add(name);
        }
        return names;
    }

    private static String trim(String name, int max) {
        String cut = name.length() > max ? name.substring(0, max) : name;
        return cut.replaceAll("-+$", "");
    }
}
