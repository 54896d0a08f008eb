package io.mlship.smoke.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The port to a Vertex AI endpoint's {@code PredictionService.Predict}: instances and parameters in,
 * predictions and the ids of the model that served them out. The adapter over
 * {@code com.google.cloud.aiplatform.v1.PredictionServiceClient} lives with the model capability; tests use fakes.
 */
public interface VertexPredictor extends AutoCloseable {

    /** The endpoint's resource name, for reports. */
    String endpoint();

    /** One Predict call; may block, the gate bounds it with its request timeout. */
    Prediction predict(ArrayNode instances, JsonNode parameters) throws Exception;

    /** What Predict answered: {@code predictions} is a JSON array. */
    record Prediction(ArrayNode predictions, String deployedModelId, String modelVersionId) {
    }

    @Override
    default void close() throws Exception {
    }
}
