package io.mlship.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListEndpointsRequest;
import com.google.cloud.aiplatform.v1.PredictRequest;
import com.google.cloud.aiplatform.v1.PredictResponse;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.mlship.result.MlshipException;
import io.mlship.smoke.targets.VertexPredictor;
import io.mlship.smoke.targets.VertexPredictorFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The gate's Vertex AI port over the official {@code PredictionServiceClient}, configured like promote's clients
 * (Google's regional endpoint with ADC, or the emulator in plaintext without credentials; every call has the
 * gate's request timeout as deadline). Registered for {@link java.util.ServiceLoader}.
 */
public final class VertexPredictions implements VertexPredictorFactory {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public VertexPredictor open(String project, String region, String endpoint, String emulator, Duration timeout)
            throws IOException {
        VertexApi target = emulator == null ? VertexApi.google(region) : VertexApi.emulator(emulator);
        VertexClients clients = new VertexClients(target, timeout);
        try {
            return new Predictor(clients, resolve(clients, "projects/" + project + "/locations/" + region, endpoint));
        } catch (RuntimeException e) {
            clients.close();
            throw e;
        }
    }

    /** A full resource name or a numeric id is used as given; anything else is a display name, as promote uses it. */
    static String resolve(VertexClients clients, String location, String endpoint) {
        if (endpoint.startsWith("projects/")) {
            return endpoint;
        }
        if (endpoint.matches("\\d+")) {
            return location + "/endpoints/" + endpoint;
        }
        List<Endpoint> found = new ArrayList<>();
        try {
            clients.endpoints().listEndpoints(ListEndpointsRequest.newBuilder().setParent(location)
                    .setFilter("display_name=\"" + endpoint + "\"").build()).iterateAll().forEach(found::add);
        } catch (ApiException e) {
            throw MlshipException.infrastructure("Vertex AI answered " + e.getStatusCode().getCode() + " listing the endpoints of "
                    + location + ": " + e.getMessage(), "check the environment's Vertex AI project and region, and that the "
                    + "agent may read them (roles/aiplatform.user)", e);
        }
        if (found.isEmpty()) {
            throw MlshipException.infrastructure("no Vertex AI endpoint named " + endpoint + " in " + location,
                    "promote a model first (mlship promote), or check the environment's endpoint", null);
        }
        if (found.size() > 1) {
            throw MlshipException.badInput(found.size() + " endpoints in " + location + " are named " + endpoint,
                    "give the environment's endpoint a unique display name, or its numeric id");
        }
        return found.get(0).getName();
    }

    private record Predictor(VertexClients clients, String endpoint) implements VertexPredictor {

        @Override
        public Prediction predict(ArrayNode instances, JsonNode parameters) throws IOException {
            PredictRequest.Builder request = PredictRequest.newBuilder().setEndpoint(endpoint);
            for (JsonNode instance : instances) {
                request.addInstances(value(instance));
            }
            if (parameters != null && !parameters.isMissingNode() && !parameters.isNull()) {
                request.setParameters(value(parameters));
            }
            PredictResponse answer = clients.predictions().predict(request.build());
            String predictions = JsonFormat.printer().print(ListValue.newBuilder().addAllValues(answer.getPredictionsList()));
            return new Prediction((ArrayNode) JSON.readTree(predictions), answer.getDeployedModelId(), answer.getModelVersionId());
        }

        private static Value value(JsonNode node) throws InvalidProtocolBufferException {
            Value.Builder v = Value.newBuilder();
            JsonFormat.parser().merge(node.toString(), v);
            return v.build();
        }

        @Override
        public void close() {
            clients.close();
        }
    }
}
