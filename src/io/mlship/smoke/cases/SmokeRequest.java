package io.mlship.smoke.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Map;

/** What one case sends: an HTTP call to the service, or a prediction (Vertex AI's instances/parameters). */
public sealed interface SmokeRequest {

    /** An HTTP call relative to the target's base URL; {@code body} is sent as JSON when present. */
    record HttpCall(String method, String path, Map<String, String> headers, JsonNode body) implements SmokeRequest {
        public HttpCall {
            headers = Map.copyOf(headers);
        }
    }

    /** A prediction request; an HTTP target posts it to the model's predict route. */
    record PredictCall(ArrayNode instances, JsonNode parameters) implements SmokeRequest {
    }
}
