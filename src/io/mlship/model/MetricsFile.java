package io.mlship.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The metrics file training writes beside the model: a JSON object of metric name to number. Other values
 * (a count of queries as text, nested details) are left out; a file with no number at all is refused.
 */
final class MetricsFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MetricsFile() {
    }

    static Map<String, Double> parse(byte[] bytes, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw MlshipException.badInput(where + " is not JSON: " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()),
                    "training writes the metrics as a JSON object, e.g. {\"ndcg@10\": 0.63}");
        }
        if (root == null || !root.isObject()) {
            throw MlshipException.badInput(where + " is not a JSON object of metric name to number",
                    "write the metrics as e.g. {\"ndcg@10\": 0.63, \"recall@10\": 0.8}");
        }
        Map<String, Double> out = new TreeMap<>();
        root.fields().forEachRemaining(e -> {
            if (e.getValue().isNumber() && Double.isFinite(e.getValue().doubleValue())) {
                out.put(e.getKey(), e.getValue().doubleValue());
            }
        });
        if (out.isEmpty()) {
            throw MlshipException.badInput(where + " holds no metric with a number value",
                    "write the metrics as e.g. {\"ndcg@10\": 0.63, \"recall@10\": 0.8}");
        }
        return out;
    }
}
