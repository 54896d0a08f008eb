package io.mlship.sandbox.vertex;

import io.mlship.sandbox.storage.LocalBuckets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Vertex AI copies a model version's artifacts into a bucket it manages when the version is uploaded, and its
 * serving container reads that copy ({@code AIP_STORAGE_URI}), never the training output. The emulator keeps its
 * copies in a bucket of its own per project, {@code gs://vertex-ai-<project number>/}, in the sandbox's Cloud
 * Storage, so the server reads them through the Storage JSON API like any other objects.
 */
final class ArtifactCopies {
    private final LocalBuckets buckets;

    ArtifactCopies(LocalBuckets buckets) {
        this.buckets = buckets;
    }

    /**
     * Copies the objects under {@code artifactUri} for a new version of {@code model} (its numbered name);
     * returns the copy's {@code gs://} URI (ending in '/'), or "" when the model has no artifacts.
     */
    String copy(String model, String copyId, String artifactUri) {
        if (artifactUri.isEmpty()) {
            return "";
        }
        Path from;
        try {
            from = buckets.resolve(artifactUri);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("model.artifact_uri: " + e.getMessage());
        }
        List<Path> files = files(from);
        if (files.isEmpty()) {
            throw ApiError.invalid("model.artifact_uri " + artifactUri + " holds no objects: upload the trained model"
                    + " there first (gcloud storage cp -r DIR " + artifactUri + ")");
        }
        String[] parts = model.split("/");
        String uri = "gs://vertex-ai-" + ProjectNumbers.of(parts[1]) + "/models/" + parts[parts.length - 1] + "/"
                + copyId + "/artifacts/";
        Path to = buckets.resolve(uri);
        try {
            deleteTree(to);
            for (Path f : files) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new ApiError(io.grpc.Status.Code.INTERNAL, "cannot copy " + artifactUri + " to " + uri + ": " + e.getMessage());
        }
        return uri;
    }

    /** Removes a copy when its version is deleted; "" (no artifacts) is nothing to remove. */
    void delete(String uri) {
        if (uri == null || uri.isEmpty()) {
            return;
        }
        try {
            deleteTree(buckets.resolve(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the artifact copy " + uri, e);
        }
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
