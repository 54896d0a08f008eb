package io.mlship.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The content digest of an artifact set, from the store's per-object checksums (nothing is downloaded):
 * sha256 over "name, size, checksum" lines in name order. Same files under another folder give the same digest.
 */
public final class ArtifactDigest {
    private ArtifactDigest() {
    }

    public static String of(List<StoredObject> objects) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            objects.stream().sorted(java.util.Comparator.comparing(StoredObject::name)).forEach(o -> sha.update(
                    (o.name() + "\t" + o.size() + "\t" + o.checksum() + "\n").getBytes(StandardCharsets.UTF_8)));
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The part of a digest that fits a label value (63 characters at most). */
    public static String labelValue(String digest) {
        String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
        return hex.substring(0, Math.min(40, hex.length()));
    }
}
