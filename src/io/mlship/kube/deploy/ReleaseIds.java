package io.mlship.kube.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.kube.manifest.PodImage;
import io.mlship.kube.manifest.ManifestRenderer;
import io.mlship.kube.manifest.ReleaseIdentity;
import io.mlship.result.MlshipException;
import io.mlship.spec.CommitSha;
import io.mlship.spec.EnvironmentView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

/**
 * The release identity the objects carry, and the objects rendered with it. Same spec and image → same id, so
 * re-running a deploy changes nothing: unless one is given, the id is a hash of what would be applied (rendered
 * without the id itself), with the serializers the client sends the objects with.
 */
final class ReleaseIds {
    private final KubernetesSerialization serialization;

    ReleaseIds(KubernetesSerialization serialization) {
        this.serialization = serialization;
    }

    /** The objects to apply and the release identity they carry. */
    record Rendered(ReleaseIdentity identity, List<HasMetadata> objects) {
    }

    Rendered render(EnvironmentView environment, PodImage image, String givenId, CommitSha gitSha) throws Exception {
        String sha = gitSha == null ? null : gitSha.value();
        ManifestRenderer renderer = new ManifestRenderer();
        ReleaseIdentity identity;
        if (givenId != null) {
            identity = identity(givenId, gitSha);
        } else {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (HasMetadata object : renderer.render(environment, image, new ReleaseIdentity(null, sha))) {
                digest.update(serialization.asJson(object).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
            identity = identity("r-" + HexFormat.of().formatHex(digest.digest()).substring(0, 12), gitSha);
        }
        return new Rendered(identity, renderer.render(environment, image, identity));
    }

    static ReleaseIdentity identity(String id, CommitSha sha) {
        try {
            return new ReleaseIdentity(id, sha == null ? null : sha.value());
        } catch (IllegalArgumentException e) {
            throw MlshipException.badInput(e.getMessage(), "pass --release-id as a Kubernetes label value, e.g. the Jenkins build tag");
        }
    }
}
