package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.PredictRequest;
import com.google.cloud.aiplatform.v1.PredictResponse;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Predict: picks a deployed model by the traffic split and calls its server by the custom-container contract. */
final class Predictor {
    private final TrafficRouter router;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Predictor(TrafficRouter router) {
        this.router = router;
    }

    /**
     * JSON of a protobuf Value as the model server gets it: whole numbers without a fraction, since servers
     * commonly check "k": 3 as an integer (protobuf's own printer would write 3.0).
     */
    static void json(Value v, StringBuilder out) throws InvalidProtocolBufferException {
        switch (v.getKindCase()) {
            case NUMBER_VALUE -> {
                double d = v.getNumberValue();
                if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
                    out.append((long) d);
                } else {
                    out.append(JsonFormat.printer().print(v));
                }
            }
            case STRUCT_VALUE -> {
                out.append('{');
                boolean first = true;
                for (var f : v.getStructValue().getFieldsMap().entrySet()) {
                    out.append(first ? "" : ", ").append(JsonFormat.printer().print(Value.newBuilder().setStringValue(f.getKey())))
                            .append(": ");
                    json(f.getValue(), out);
                    first = false;
                }
                out.append('}');
            }
            case LIST_VALUE -> {
                out.append('[');
                for (int i = 0; i < v.getListValue().getValuesCount(); i++) {
                    out.append(i == 0 ? "" : ", ");
                    json(v.getListValue().getValues(i), out);
                }
                out.append(']');
            }
            default -> out.append(JsonFormat.printer().print(v));
        }
    }

    PredictResponse predict(PredictRequest req) {
        if (req.getInstancesCount() == 0) {
            throw ApiError.invalid("instances is empty");
        }
        TrafficRouter.Route route = router.route(req.getEndpoint());
        try {
            StringBuilder body = new StringBuilder("{\"instances\": [");
            for (int i = 0; i < req.getInstancesCount(); i++) {
                body.append(i == 0 ? "" : ", ");
                json(req.getInstances(i), body);
            }
            body.append("]");
            if (req.hasParameters() && req.getParameters().getKindCase() != Value.KindCase.KIND_NOT_SET) {
                body.append(", \"parameters\": ");
                json(req.getParameters(), body);
            }
            body.append("}");
            HttpRequest call = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + route.port() + route.predictRoute()))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            HttpResponse<String> answer = http.send(call, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new ApiError(answer.statusCode() < 500 ? io.grpc.Status.Code.INVALID_ARGUMENT : io.grpc.Status.Code.INTERNAL,
                        "model server answered " + answer.statusCode() + ": " + answer.body());
            }
            Struct.Builder parsed = Struct.newBuilder();
            JsonFormat.parser().merge(answer.body(), parsed);
            Value predictions = parsed.getFieldsOrDefault("predictions", null);
            if (predictions == null || !predictions.hasListValue()) {
                throw new ApiError(io.grpc.Status.Code.INTERNAL, "model server answer has no 'predictions' list");
            }
            return PredictResponse.newBuilder().addAllPredictions(predictions.getListValue().getValuesList())
                    .setDeployedModelId(route.deployed().getId())
                    .setModel(route.model().getName())
                    .setModelVersionId(route.model().getVersionId())
                    .setModelDisplayName(route.model().getDisplayName()).build();
        } catch (InvalidProtocolBufferException e) {
            throw new ApiError(io.grpc.Status.Code.INTERNAL, "model server answer is not JSON: " + e.getMessage());
        } catch (IOException e) {
            throw new ApiError(io.grpc.Status.Code.UNAVAILABLE, "model server unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(io.grpc.Status.Code.CANCELLED, "interrupted");
        }
    }
}
