package io.mlship.sandbox;

import io.mlship.model.ArtifactStore;
import io.mlship.model.ModelAccess;
import io.mlship.model.VertexApi;
import io.mlship.sandbox.storage.FolderArtifactStore;
import io.mlship.sandbox.storage.LocalBuckets;
import java.nio.file.Path;
import java.time.Duration;

/** A running sandbox's Vertex AI emulator and buckets, for promotions. */
public record SandboxModels(RunningSandbox sandbox) implements ModelAccess {

    @Override
    public VertexApi vertex(String region) {
        return VertexApi.emulator(sandbox.info().vertexGrpc());
    }

    @Override
    public ArtifactStore artifacts(String project) {
        return new FolderArtifactStore(new LocalBuckets(Path.of(sandbox.info().storageRoot())));
    }

    @Override
    public Duration pollInterval() {
        return Duration.ofMillis(100); // the emulator's operations finish in milliseconds
    }

    /** The emulator runs the model server from source, so a serving image named by tag is enough. */
    @Override
    public boolean acceptsUnpinnedServingImage() {
        return true;
    }
}
