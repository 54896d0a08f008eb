package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import java.nio.file.Path;
import java.time.Duration;

/** Runs a model's serving container for the emulator: a local process now, a container engine later. */
public interface ServingRuntime {

    /** Starts the server for {@code container} with the model files in {@code modelDir}; returns once healthy. */
    Server start(String deployedModelId, ModelContainerSpec container, Path modelDir, Duration healthTimeout)
            throws Exception;

    /** A running model server, reached on loopback. */
    interface Server extends AutoCloseable {
        int port();

        @Override
        void close();
    }
}
