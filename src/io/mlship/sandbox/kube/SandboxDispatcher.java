package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * fabric8's CRUD store plus what kubectl needs beyond it: the discovery documents ({@link ApiDiscovery}) and
 * strategic merge patches ({@link StrategicMergePatch}), which are turned into an update of the whole object
 * carrying the resourceVersion it was computed from, so a concurrent write makes it fail with 409 Conflict (and
 * kubectl retries) instead of being lost.
 */
final class SandboxDispatcher extends KubernetesCrudDispatcher {
    static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    private static final String JSON = "application/json";

    private final ApiDiscovery discovery = new ApiDiscovery();
    private final ObjectMapper json = new ObjectMapper();

    SandboxDispatcher(List<CustomResourceDefinitionContext> crds) {
        super(crds);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType != null && contentType.startsWith("application/vnd.kubernetes.protobuf")) {
            // kubectl's typed commands (create namespace…) send protobuf; the store reads JSON and YAML only.
            return status(415, "UnsupportedMediaType", "the sandbox API reads JSON only, not " + contentType
                    + " (use kubectl apply -f, which sends JSON)");
        }
        if (request.method() == HttpMethod.GET) {
            String path = request.getPath();
            int q = path.indexOf('?');
            Optional<String> doc = discovery.document(q < 0 ? path : path.substring(0, q));
            if (doc.isPresent()) {
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", JSON).setBody(doc.get());
            }
            if (path.startsWith("/openapi/")) {
                return status(404, "NotFound", "the sandbox API serves OpenAPI v3 group documents only, not " + path);
            }
        }
        MockResponse response = super.dispatch(request);
        if (response != null && response.getWebSocketListener() == null && response.getBody() != null
                && response.header("Content-Type") == null) {
            // Without it, clients that asked for protobuf first (kubectl rollout history/undo) read the JSON as protobuf.
            response.setHeader("Content-Type", JSON);
        }
        return response;
    }

    @Override
    public MockResponse handlePatch(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (type == null || !type.startsWith(STRATEGIC_MERGE_PATCH)) {
            return super.handlePatch(request);
        }
        String path = request.getPath();
        MockResponse current = handleGet(path);
        if (current.code() != 200 || current.getBody() == null) {
            return status(404, "NotFound", "not found: " + path);
        }
        JsonNode merged;
        try {
            JsonNode object = json.readTree(current.getBody().readUtf8());
            merged = StrategicMergePatch.apply(object, json.readTree(request.getUtf8Body()));
            if (merged.path("metadata").isObject()) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) merged.get("metadata"))
                        .set("resourceVersion", object.path("metadata").path("resourceVersion"));
            }
        } catch (IOException | IllegalArgumentException e) {
            return status(422, "Invalid", "cannot apply the strategic merge patch: " + e.getMessage());
        }
        byte[] body = merged.toString().getBytes(StandardCharsets.UTF_8);
        return handleUpdate(new RecordedRequest(request.getHttpVersion(), HttpMethod.PUT, path,
                Headers.builder().add("Content-Type", JSON).build(), new Buffer(body)));
    }

    private MockResponse status(int code, String reason, String message) {
        String body = json.createObjectNode().put("kind", "Status").put("apiVersion", "v1").put("status", "Failure")
                .put("message", message).put("reason", reason).put("code", code).toString();
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON).setBody(body);
    }
}
