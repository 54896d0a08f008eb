package io.mlship.model;

import com.google.cloud.storage.StorageOptions;
import java.time.Duration;

/** Vertex AI's regional endpoint and Cloud Storage, with the agent's Application Default Credentials. */
public record GoogleCloudModels() implements ModelAccess {

    @Override
    public VertexApi vertex(String region) {
        return VertexApi.google(region);
    }

    @Override
    public ArtifactStore artifacts(String project) {
        return new GcsArtifactStore(StorageOptions.newBuilder().setProjectId(project).build().getService());
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(5);
    }
}
