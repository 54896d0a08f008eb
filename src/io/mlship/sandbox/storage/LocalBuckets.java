package io.mlship.sandbox.storage;

import java.nio.file.Path;

/**
 * Cloud Storage in the sandbox: bucket {@code b} is the folder {@code root/b}, object {@code p} the file
 * {@code root/b/p}. Object names may not climb out of their bucket.
 */
public record LocalBuckets(Path root) {

    public LocalBuckets {
        root = root.toAbsolutePath().normalize();
    }

    /** The folder or file a {@code gs://bucket/path} URI stands for. */
    public Path resolve(String gsUri) {
        if (gsUri == null || !gsUri.startsWith("gs://")) {
            throw new IllegalArgumentException("not a gs:// URI: " + gsUri);
        }
        String rest = gsUri.substring("gs://".length());
        Path resolved = root.resolve(rest).normalize();
        String bucket = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (bucket.isEmpty() || !resolved.startsWith(root.resolve(bucket))) {
            throw new IllegalArgumentException("'" + gsUri + "' leaves its bucket");
        }
        return resolved;
    }
}
