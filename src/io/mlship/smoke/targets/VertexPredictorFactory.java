package io.mlship.smoke.targets;

import java.time.Duration;

/**
 * Opens a {@link VertexPredictor} for an endpoint. Found with {@link java.util.ServiceLoader}, so the adapter over
 * the Vertex AI client can live with the model capability and the gate stays free of its dependencies.
 */
public interface VertexPredictorFactory {

    /**
     * @param project  the Vertex AI project of the environment
     * @param region   its region, e.g. europe-west4
     * @param endpoint the endpoint's id or display name as the spec gives it
     * @param emulator host:port of a Vertex AI emulator on loopback (a sandbox), or null for Google's API
     * @param timeout  deadline of each call
     */
    VertexPredictor open(String project, String region, String endpoint, String emulator, Duration timeout) throws Exception;
}
