package io.mlship.model;

import java.util.List;

/** Where trained models lie: Cloud Storage, or a local folder in the sandbox. */
public interface ArtifactStore {

    /** Every object below {@code folder}, sorted by name; empty when there is none. Reads metadata only. */
    List<StoredObject> list(GcsUri folder);

    /**
     * The bytes of the object {@code name} below {@code folder}; empty when there is no such object.
     *
     * @throws io.mlship.result.MlshipException (bad input) when it is larger than {@code maxBytes}
     */
    java.util.Optional<byte[]> read(GcsUri folder, String name, int maxBytes);

    /** Copies every object below {@code from} to {@code to}, inside the store (no bytes pass through here). */
    void copy(GcsUri from, GcsUri to);
}
