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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * fabric8's CRUD store plus what kubectl needs beyond it: the discovery documents ({@link ApiDiscovery}), and
 * writes worked out by {@link ObjectWrites} (managed fields, server-side apply, dry run, every patch type) and
 * stored as a create or a whole-object update carrying the resourceVersion they were computed from.
 */
final class SandboxDispatcher extends KubernetesCrudDispatcher implements ObjectWrites.Store {
    private static final String JSON = "application/json";

    private final ApiDiscovery discovery = new ApiDiscovery();
    private final ObjectMapper json = new ObjectMapper();
    private final ObjectWrites writes = new ObjectWrites(this);
    /** One write at a time: a patch reads, computes and stores with nothing in between. */
    private final ReentrantLock writing = new ReentrantLock();

    SandboxDispatcher(List<CustomResourceDefinitionContext> crds) {
        super(crds);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        String contentType = request.getHeader("Content-Type");
        if (contentType != null && contentType.startsWith("application/vnd.kubernetes.protobuf")) {
            // kubectl's typed commands (create namespace…) send protobuf; the store reads JSON and YAML only.
            return ApiStatus.failure(415, "UnsupportedMediaType", "the sandbox API reads JSON only, not " + contentType
                    + " (use kubectl apply -f, which sends JSON)");
        }
        HttpMethod method = request.method();
        if (method == HttpMethod.GET) {
            String path = request.getPath();
            int q = path.indexOf('?');
            Optional<String> doc = discovery.document(q < 0 ? path : path.substring(0, q));
            if (doc.isPresent()) {
                return new MockResponse().setResponseCode(200).setHeader("Content-Type", JSON).setBody(doc.get());
            }
            if (path.startsWith("/openapi/")) {
                return ApiStatus.failure(404, "NotFound", "the sandbox API serves OpenAPI v3 group documents only, not " + path);
            }
        }
        MockResponse response;
        if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
            response = locked(() -> writes.write(request));
        } else if (method == HttpMethod.DELETE && isDryRun(request.getPath())) {
            JsonNode live = read(request.getPath().substring(0, request.getPath().indexOf('?')));
            response = live == null ? ApiStatus.failure(404, "NotFound", "not found: " + request.getPath()) : ApiStatus.ok(200, live);
        } else if (method == HttpMethod.DELETE) {
            response = locked(() -> super.dispatch(request));
        } else {
            response = super.dispatch(request);
        }
        if (response != null && response.getWebSocketListener() == null && response.getBody() != null
                && response.header("Content-Type") == null) {
            // Without it, clients that asked for protobuf first (kubectl rollout history/undo) read the JSON as protobuf.
            response.setHeader("Content-Type", JSON);
        }
        return response;
    }

    @Override
    public JsonNode read(String path) {
        MockResponse current = handleGet(path);
        if (current.code() != 200 || current.getBody() == null) {
            return null;
        }
        try {
            return json.readTree(current.getBody().readUtf8());
        } catch (IOException e) {
            throw new UncheckedIOException("the store holds an object that is not JSON at " + path, e);
        }
    }

    @Override
    public MockResponse create(String collectionPath, JsonNode object) {
        return handleCreate(request(HttpMethod.POST, collectionPath, object));
    }

    @Override
    public MockResponse replace(String path, JsonNode object) {
        return handleUpdate(request(HttpMethod.PUT, path, object));
    }

    private static RecordedRequest request(HttpMethod method, String path, JsonNode object) {
        byte[] body = object.toString().getBytes(StandardCharsets.UTF_8);
        return new RecordedRequest("HTTP/1.1", method, path, Headers.builder().add("Content-Type", JSON).build(), new Buffer(body));
    }

    private static boolean isDryRun(String path) {
        int q = path.indexOf('?');
        return q >= 0 && List.of(path.substring(q + 1).split("&")).contains("dryRun=All");
    }

    private MockResponse locked(java.util.function.Supplier<MockResponse> write) {
        writing.lock();
        try {
            return write.get();
        } finally {
            writing.unlock();
        }
    }
}
