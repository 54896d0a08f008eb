package io.mlship.sandbox.vertex;

import com.google.cloud.aiplatform.v1.CreateEndpointOperationMetadata;
import com.google.cloud.aiplatform.v1.CreateEndpointRequest;
import com.google.cloud.aiplatform.v1.DeleteOperationMetadata;
import com.google.cloud.aiplatform.v1.DeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.DeployModelRequest;
import com.google.cloud.aiplatform.v1.DeployModelResponse;
import com.google.cloud.aiplatform.v1.Endpoint;
import com.google.cloud.aiplatform.v1.ListEndpointsResponse;
import com.google.cloud.aiplatform.v1.ListModelVersionsResponse;
import com.google.cloud.aiplatform.v1.ListModelsResponse;
import com.google.cloud.aiplatform.v1.MergeVersionAliasesRequest;
import com.google.cloud.aiplatform.v1.PredictRequest;
import com.google.cloud.aiplatform.v1.UndeployModelOperationMetadata;
import com.google.cloud.aiplatform.v1.UndeployModelRequest;
import com.google.cloud.aiplatform.v1.UndeployModelResponse;
import com.google.cloud.aiplatform.v1.UpdateEndpointRequest;
import com.google.cloud.aiplatform.v1.UploadModelOperationMetadata;
import com.google.cloud.aiplatform.v1.UploadModelRequest;
import com.google.cloud.aiplatform.v1.UploadModelResponse;
import com.google.protobuf.Empty;
import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import io.mlship.sandbox.LoopbackHttp;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The v1 REST mapping of the emulator (JSON through protobuf's JsonFormat), at the paths the Google Cloud CLI
 * uses when {@code api_endpoint_overrides/aiplatform} points here: {@code /v1/projects/P/locations/L/models},
 * {@code …/models:upload}, {@code …/endpoints/E:deployModel}, {@code …/endpoints/E:predict}, operations by name.
 */
final class VertexRest implements AutoCloseable {
    private static final Pattern LOC = Pattern.compile("/v1(?:beta1)?/(projects/[^/]+/locations/[^/]+)(.*)");
    private static final Pattern MODEL = Pattern.compile("/models/([^/:]+)(?::(\\w+))?");
    private static final Pattern ENDPOINT = Pattern.compile("/endpoints/([^/:]+)(?::(\\w+))?");
    /** The emulator's own path (outside /v1): the call counts; DELETE also starts them again from zero. */
    static final String CALLS_PATH = "/sandbox/calls";
    private static final String ID = "/(projects|locations|models|endpoints|operations)/[^/:]+";

    private final LoopbackHttp server;
    private final VertexState state;
    private final Predictor predictor;
    private final CallCounter calls;
    private final JsonFormat.Printer printer;
    private final JsonFormat.Parser parser;

    private VertexRest(VertexState state, Predictor predictor, CallCounter calls, int port) throws IOException {
        this.state = state;
        this.predictor = predictor;
        this.calls = calls;
        JsonFormat.TypeRegistry types = JsonFormat.TypeRegistry.newBuilder()
                .add(UploadModelOperationMetadata.getDescriptor()).add(UploadModelResponse.getDescriptor())
                .add(CreateEndpointOperationMetadata.getDescriptor()).add(Endpoint.getDescriptor())
                .add(DeployModelOperationMetadata.getDescriptor()).add(DeployModelResponse.getDescriptor())
                .add(UndeployModelOperationMetadata.getDescriptor()).add(UndeployModelResponse.getDescriptor())
                .add(DeleteOperationMetadata.getDescriptor()).add(Empty.getDescriptor()).build();
        this.printer = JsonFormat.printer().usingTypeRegistry(types);
        this.parser = JsonFormat.parser().usingTypeRegistry(types).ignoringUnknownFields();
        this.server = LoopbackHttp.start(port, "vertex-emulator-rest", this::handle);
    }

    static VertexRest start(VertexState state, Predictor predictor, CallCounter calls, int port) throws IOException {
        return new VertexRest(state, predictor, calls, port);
    }

    /** One page of a list, as the query's pageSize and pageToken ask (the same paging as over gRPC). */
    private static <T> Pages.Page<T> page(java.util.List<T> all, Map<String, String> q, String listed) {
        int size;
        try {
            size = q.containsKey("pageSize") ? Integer.parseInt(q.get("pageSize")) : 0;
        } catch (NumberFormatException e) {
            throw ApiError.invalid("pageSize '" + q.get("pageSize") + "' is not a number");
        }
        String filter = q.get("filter");
        return Pages.of(all, size, q.get("pageToken"), listed + "?" + (filter == null ? "" : filter));
    }

    /** A request body into {@code b}, its resource names in the numbered form. */
    private void read(String body, Message.Builder b) throws InvalidProtocolBufferException {
        parser.merge(body, b);
        Message numbered = ProjectNumbers.canonical(b.build());
        b.clear().mergeFrom(numbered);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestURI().getRawPath().equals(CALLS_PATH)) {
                countsAnswer(ex);
                return;
            }
            calls.record(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath().replaceAll(ID, "/$1/*"));
            Message answer;
            try {
                answer = route(ex.getRequestMethod(), ex.getRequestURI().getRawPath(), query(ex),
                        new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            } catch (ApiError e) {
                send(ex, e.httpStatus(), error(e.httpStatus(), e.code().name(), e.getMessage()));
                return;
            } catch (InvalidProtocolBufferException e) {
                send(ex, 400, error(400, "INVALID_ARGUMENT", "invalid JSON payload: " + e.getMessage()));
                return;
            } catch (RuntimeException e) {
                send(ex, 500, error(500, "INTERNAL", String.valueOf(e.getMessage())));
                return;
            }
            send(ex, 200, printer.print(answer));
        }
    }

    private Message route(String method, String rawPath, Map<String, String> q, String body)
            throws InvalidProtocolBufferException {
        String path = URLDecoder.decode(rawPath, StandardCharsets.UTF_8);
        Matcher loc = LOC.matcher(path);
        if (!loc.matches()) {
            throw ApiError.notFound("no such path: " + path);
        }
        String parent = ProjectNumbers.canonical(loc.group(1)); // the project by its number, as Vertex AI names it
        String rest = loc.group(2);
        if (rest.contains("/operations/")) {
            return state.operations().get(parent + rest);
        }
        Matcher m = MODEL.matcher(rest);
        Matcher e = ENDPOINT.matcher(rest);
        switch (method + " " + (rest.isEmpty() ? "/" : rest.replaceAll("/(models|endpoints)/[^/:]+", "/$1/*"))) {
            case "GET /models":
            {
                var page = page(state.models().listModels(parent, q.get("filter")), q, parent);
                return ListModelsResponse.newBuilder().addAllModels(page.items()).setNextPageToken(page.nextPageToken()).build();
            }
            case "POST /models:upload": {
                UploadModelRequest.Builder b = UploadModelRequest.newBuilder();
                read(body, b);
                return state.models().upload(b.setParent(parent).build());
            }
            case "GET /endpoints":
            {
                var page = page(state.endpoints().listEndpoints(parent, q.get("filter")), q, parent);
                return ListEndpointsResponse.newBuilder().addAllEndpoints(page.items())
                        .setNextPageToken(page.nextPageToken()).build();
            }
            case "POST /endpoints": {
                Endpoint.Builder b = Endpoint.newBuilder();
                read(body, b);
                CreateEndpointRequest.Builder req = CreateEndpointRequest.newBuilder().setParent(parent).setEndpoint(b);
                if (q.containsKey("endpointId")) {
                    req.setEndpointId(q.get("endpointId"));
                }
                return state.endpoints().createEndpoint(req.build());
            }
            default:
                break;
        }
        if (m.matches()) {
            String name = parent + "/models/" + m.group(1);
            String verb = m.group(2) == null ? "" : m.group(2);
            switch (method + " " + verb) {
                case "GET ":
                    return state.models().getModel(name);
                case "GET listVersions":
                {
                    var page = page(state.models().listVersions(name, q.get("filter")), q, name);
                    return ListModelVersionsResponse.newBuilder().addAllModels(page.items())
                            .setNextPageToken(page.nextPageToken()).build();
                }
                case "POST mergeVersionAliases": {
                    MergeVersionAliasesRequest.Builder b = MergeVersionAliasesRequest.newBuilder();
                    read(body, b);
                    return state.models().mergeAliases(b.setName(name).build());
                }
                case "PATCH ": {
                    com.google.cloud.aiplatform.v1.Model.Builder b = com.google.cloud.aiplatform.v1.Model.newBuilder();
                    read(body, b);
                    return state.models().updateModel(com.google.cloud.aiplatform.v1.UpdateModelRequest.newBuilder()
                            .setModel(b.setName(name)).setUpdateMask(mask(q)).build());
                }
                case "DELETE ":
                    return name.contains("@") ? state.models().deleteVersion(name) : state.models().deleteModel(name);
                default:
                    break;
            }
        }
        if (e.matches()) {
            String name = parent + "/endpoints/" + e.group(1);
            String verb = e.group(2) == null ? "" : e.group(2);
            switch (method + " " + verb) {
                case "GET ":
                    return state.endpoints().getEndpoint(name);
                case "DELETE ":
                    return state.endpoints().deleteEndpoint(name);
                case "PATCH ": {
                    Endpoint.Builder b = Endpoint.newBuilder();
                    read(body, b);
                    return state.endpoints().updateEndpoint(UpdateEndpointRequest.newBuilder().setEndpoint(b.setName(name))
                            .setUpdateMask(mask(q)).build());
                }
                case "POST deployModel": {
                    DeployModelRequest.Builder b = DeployModelRequest.newBuilder();
                    read(body, b);
                    return state.deployments().deploy(b.setEndpoint(name).build());
                }
                case "POST undeployModel": {
                    UndeployModelRequest.Builder b = UndeployModelRequest.newBuilder();
                    read(body, b);
                    return state.deployments().undeploy(b.setEndpoint(name).build());
                }
                case "POST predict": {
                    PredictRequest.Builder b = PredictRequest.newBuilder();
                    read(body, b);
                    return predictor.predict(b.setEndpoint(name).build());
                }
                default:
                    break;
            }
        }
        throw new ApiError(io.grpc.Status.Code.UNIMPLEMENTED, method + " " + path + " is not emulated");
    }

    /** {@code {"calls": {"METHOD": N, …}}}; a DELETE answers with the counts it cleared. */
    private void countsAnswer(HttpExchange ex) throws IOException {
        Map<String, Long> counts = switch (ex.getRequestMethod()) {
            case "GET" -> calls.snapshot();
            case "DELETE" -> calls.reset();
            default -> null;
        };
        if (counts == null) {
            send(ex, 405, error(405, "METHOD_NOT_ALLOWED", CALLS_PATH + " takes GET or DELETE"));
            return;
        }
        StringBuilder json = new StringBuilder("{\"calls\": {");
        String sep = "";
        for (Map.Entry<String, Long> c : counts.entrySet()) {
            json.append(sep).append('"').append(c.getKey().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\": ").append(c.getValue());
            sep = ", ";
        }
        send(ex, 200, json.append("}}").toString());
    }

    private static FieldMask mask(Map<String, String> q) {
        FieldMask.Builder mask = FieldMask.newBuilder();
        for (String p : q.getOrDefault("updateMask", "").split(",")) {
            if (!p.isBlank()) {
                mask.addPaths(p.trim());
            }
        }
        return mask.build();
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                String[] p = kv.split("=", 2);
                out.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p.length == 2 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

    private static String error(int http, String status, String message) {
        String quoted = message.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return "{\"error\": {\"code\": " + http + ", \"message\": \"" + quoted + "\", \"status\": \"" + status + "\"}}";
    }

    private static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
