package io.mlship.sandbox;

import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.mlship.model.ArtifactStore;
import io.mlship.model.GcsArtifactStore;
import io.mlship.model.ModelAccess;
import io.mlship.model.VertexApi;
import java.time.Duration;

/** A running sandbox's Vertex AI emulator and Cloud Storage JSON API, for promotions. */
public record SandboxModels(RunningSandbox sandbox) implements ModelAccess {

    @Override
    public VertexApi vertex(String region) {
        return VertexApi.emulator(sandbox.info().vertexGrpc());
    }

    @Override
    public ArtifactStore artifacts(String project) {
        // The production store and client, pointed at the sandbox's Cloud Storage JSON API without credentials.
        return new GcsArtifactStore(StorageOptions.newBuilder().setHost(sandbox.info().storageHost()).setProjectId(project)
                .setCredentials(NoCredentials.getInstance()).build().getService());
    }

    @Override
    public Storage storage(String project, Duration requestTimeout) {
        int ms = (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis());
        return StorageOptions.newBuilder().setHost(sandbox.info().storageHost()).setProjectId(project)
                .setCredentials(NoCredentials.getInstance())
                .setTransportOptions(HttpTransportOptions.newBuilder().setConnectTimeout(ms).setReadTimeout(ms).build())
                .build().getService();
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofMillis(100); // the emulator's operations finish in milliseconds
    }
}
