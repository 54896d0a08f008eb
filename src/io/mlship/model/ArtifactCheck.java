package io.mlship.model;

import io.mlship.result.MlshipException;
import java.util.List;

/**
 * The checks a pull request can make on a trained model without touching Vertex AI: the folder holds files,
 * none of them empty, and their content digest (the one a promotion labels its version with).
 */
public final class ArtifactCheck {

    /** What was found: the files, their total size and the content digest. */
    public record Report(GcsUri artifacts, List<StoredObject> files, long bytes, String digest) {
    }

    public Report check(ArtifactStore store, GcsUri artifacts) {
        List<StoredObject> files = store.list(artifacts);
        if (files.isEmpty()) {
            throw MlshipException.badInput("no model files under " + artifacts,
                    "check the artifact path and version parameter; training leaves the model folder there");
        }
        List<String> empty = files.stream().filter(f -> f.size() == 0).map(StoredObject::name).toList();
        if (!empty.isEmpty()) {
            throw MlshipException.badInput("empty model files under " + artifacts + ": " + String.join(", ", empty),
                    "training did not finish writing them; run it again or pick another version");
        }
        long bytes = files.stream().mapToLong(StoredObject::size).sum();
        return new Report(artifacts, files, bytes, ArtifactDigest.of(files));
    }
}
