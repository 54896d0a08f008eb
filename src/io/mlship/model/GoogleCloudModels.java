package io.mlship.model;

import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
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
    public Storage storage(String project, Duration requestTimeout) {
        int ms = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
        return StorageOptions.newBuilder().setProjectId(project)
                .setTransportOptions(HttpTransportOptions.newBuilder().setConnectTimeout(ms).setReadTimeout(ms).build())
                .build().getService();
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofSeconds(5);
    }
}
