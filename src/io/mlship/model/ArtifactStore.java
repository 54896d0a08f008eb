package io.mlship.model;

import java.util.List;

/** Where trained models lie: Cloud Storage, or a local folder in the sandbox. */
public interface ArtifactStore {

    /** Every object below {@code folder}, sorted by name; empty when there is none. Reads metadata only. */
    List<StoredObject> list(GcsUri folder);

    /** Copies every object below {@code from} to {@code to}, inside the store (no bytes pass through here). */
    void copy(GcsUri from, GcsUri to);
}
