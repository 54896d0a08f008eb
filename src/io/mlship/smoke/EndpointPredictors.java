package io.mlship.smoke;

import io.mlship.smoke.targets.VertexPredictor;
import java.time.Duration;

/** Opens a predictor for an environment's Vertex AI endpoint: Google's API, or a stand-in. Chosen at the edge. */
@FunctionalInterface
public interface EndpointPredictors {

    VertexPredictor open(String project, String region, String endpoint, Duration timeout) throws Exception;
}
