package io.mlship.model;

import com.google.cloud.storage.Storage;
import java.time.Duration;

/**
 * Where promotions reach Vertex AI and Cloud Storage: Google's APIs with the agent's credentials, or stand-ins.
 * Chosen once, where the run starts; the same clients run against either.
 */
public interface ModelAccess {

    /** The Vertex AI API serving {@code region}. */
    VertexApi vertex(String region);

    /** The store that holds trained models' files, billed to {@code project}. */
    ArtifactStore artifacts(String project);

    /**
     * A Cloud Storage client billed to {@code project} whose every call gives up after {@code requestTimeout};
     * the caller closes it.
     */
    Storage storage(String project, Duration requestTimeout);

    /** How often a long-running operation is asked about. */
    Duration pollInterval();
}
