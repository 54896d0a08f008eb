package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Every write to the sandbox API (create, replace, and patches of each type: JSON, merge, strategic merge and
 * server-side apply) worked out here into the whole object to store, with its {@code metadata.managedFields}
 * ({@link FieldOwnership}); the store then keeps it. With {@code dryRun=All} the would-be object is the answer
 * and nothing is stored. The caller runs one write at a time, so a patch's read and write see no other write
 * between them (the real API server retries a patch on a concurrent write instead).
 */
final class ObjectWrites {
    static final String APPLY_PATCH = "application/apply-patch+yaml";
    static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
    static final String MERGE_PATCH = "application/merge-patch+json";
    static final String JSON_PATCH = "application/json-patch+json";

    /** What the writes need of the store. */
    interface Store {
        /** The object at {@code path} (no query), or null. */
        JsonNode read(String path);

        MockResponse create(String collectionPath, JsonNode object);

        MockResponse replace(String path, JsonNode object);
    }

    private final Store store;
    private final ObjectMapper json = new ObjectMapper();
    private final YAMLMapper yaml = new YAMLMapper();

    ObjectWrites(Store store) {
        this.store = store;
    }

    MockResponse write(RecordedRequest request) {
        WriteOptions options;
        try {
            options = WriteOptions.of(request);
        } catch (WriteOptions.Invalid e) {
            return ApiStatus.failure(e.code(), e.reason(), e.getMessage());
        }
        String path = options.path();
        try {
            return switch (request.method()) {
                case POST -> create(path, body(request), options);
                case PUT -> replace(path, body(request), options);
                case PATCH -> patch(path, request, options);
                default -> ApiStatus.failure(405, "MethodNotAllowed", request.getMethod() + " is not a write");
            };
        } catch (FieldOwnership.ConflictsFound e) {
            return ApiStatus.conflicts(e);
        } catch (IOException | IllegalArgumentException e) {
            return ApiStatus.failure(400, "BadRequest", e.getMessage());
        }
    }

    private MockResponse create(String collection, JsonNode object, WriteOptions options) {
        if (!object.isObject()) {
            return ApiStatus.failure(400, "BadRequest", "the body of a create must be an object");
        }
        String name = object.path("metadata").path("name").asText("");
        if (!name.isEmpty()) {
            String objectPath = collection + "/" + name;
            if (store.read(objectPath) != null) {
                return ApiRefusals.alreadyExists(objectPath);
            }
            MockResponse tooLarge = ApiRefusals.tooLarge(objectPath, object);
            if (tooLarge != null) {
                return tooLarge;
            }
        }
        JsonNode tracked = FieldOwnership.update(null, object, options.manager(), null, now());
        return options.dryRun() ? dryRunCreate(collection, tracked) : store.create(collection, tracked);
    }

    private MockResponse replace(String path, JsonNode object, WriteOptions options) {
        JsonNode live = store.read(objectPath(path));
        if (live == null) {
            return ApiStatus.failure(404, "NotFound", "not found: " + objectPath(path));
        }
        String rv = object.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty() && !rv.equals(live.path("metadata").path("resourceVersion").asText())) {
            return ApiRefusals.conflict(objectPath(path));
        }
        MockResponse tooLarge = ApiRefusals.tooLarge(objectPath(path), object);
        if (tooLarge != null) {
            return tooLarge;
        }
        JsonNode tracked = FieldOwnership.update(live, object, options.manager(), subresource(path), now());
        return options.dryRun() ? dryRunUpdate(path, live, tracked) : store.replace(path, tracked);
    }

    private MockResponse patch(String path, RecordedRequest request, WriteOptions options) throws IOException {
        String type = contentType(request);
        JsonNode live = store.read(objectPath(path));
        if (type.equals(APPLY_PATCH)) {
            return apply(path, live, request, options);
        }
        if (options.force()) {
            return ApiStatus.failure(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: force: Forbidden: "
                    + "may not be specified for non-apply patch");
        }
        if (live == null) {
            return ApiStatus.failure(404, "NotFound", "not found: " + objectPath(path));
        }
        JsonNode patch = json.readTree(request.getUtf8Body());
        JsonNode patched = switch (type) {
            case STRATEGIC_MERGE_PATCH -> StrategicMergePatch.apply(live, patch);
            case MERGE_PATCH -> JsonMergePatch.apply(live, patch);
            case JSON_PATCH -> jsonPatch(live, patch);
            default -> null;
        };
        if (patched == null) {
            return ApiStatus.failure(415, "UnsupportedMediaType", "the sandbox API does not take patches of type " + type);
        }
        return replace(path, patched, options);
    }

    /** Server-side apply; creates the object when it does not exist. */
    private MockResponse apply(String path, JsonNode live, RecordedRequest request, WriteOptions options) throws IOException {
        if (options.manager() == null) {
            return ApiStatus.failure(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: "
                    + "is required for apply patch");
        }
        JsonNode config = yaml.readTree(request.getUtf8Body());
        if (config == null || !config.isObject()) {
            return ApiStatus.failure(400, "BadRequest", "the body of an apply patch must be an object (YAML or JSON)");
        }
        if (config.path("metadata").has("managedFields") && !config.path("metadata").get("managedFields").isNull()) {
            return ApiStatus.failure(400, "BadRequest", "metadata.managedFields must be nil in an apply configuration");
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        String sent = config.path("metadata").path("name").asText(name);
        if (!sent.equals(name) && subresource(path) == null) {
            return ApiStatus.failure(400, "BadRequest", "the name of the object (" + sent + ") does not match the name on the URL (" + name + ")");
        }
        String subresource = subresource(path);
        JsonNode applied = FieldOwnership.apply(live, config, options.manager(), options.force(), subresource, now());
        MockResponse tooLarge = ApiRefusals.tooLarge(objectPath(path), applied);
        if (tooLarge != null) {
            return tooLarge;
        }
        if (live == null) {
            if (subresource != null) {
                return ApiStatus.failure(404, "NotFound", "not found: " + objectPath(path));
            }
            String collection = path.substring(0, path.lastIndexOf('/'));
            return options.dryRun() ? dryRunCreate(collection, applied) : store.create(collection, applied);
        }
        return options.dryRun() ? dryRunUpdate(path, live, applied) : store.replace(path, applied);
    }

    /** What a create would answer: the server's metadata filled in, no resourceVersion (nothing was stored). */
    private MockResponse dryRunCreate(String collection, JsonNode object) {
        ObjectNode out = object.deepCopy();
        ObjectNode meta = metadata(out);
        if (!meta.hasNonNull("name") && meta.hasNonNull("generateName")) {
            meta.put("name", meta.get("generateName").asText() + UUID.randomUUID().toString().substring(0, 5));
        }
        if (!meta.hasNonNull("name")) {
            return ApiStatus.failure(422, "Invalid", "metadata.name: Required value: name or generateName is required");
        }
        if (store.read(collection + "/" + meta.get("name").asText()) != null) {
            return ApiRefusals.alreadyExists(collection + "/" + meta.get("name").asText());
        }
        String namespace = namespaceOf(collection);
        if (namespace != null) {
            meta.put("namespace", namespace);
        }
        meta.put("uid", UUID.randomUUID().toString()).put("creationTimestamp", now()).put("generation", 1);
        meta.remove("resourceVersion");
        return ApiStatus.ok(201, out);
    }

    /** What an update would answer: the live object's identity and version, generation bumped if the spec changed. */
    private MockResponse dryRunUpdate(String path, JsonNode live, JsonNode updated) {
        ObjectNode out;
        if (subresource(path) != null) {
            out = live.deepCopy();
            out.set("status", updated.path("status").deepCopy());
            metadata(out).set("managedFields", updated.path("metadata").path("managedFields").deepCopy());
        } else {
            out = updated.deepCopy();
            if (live.has("status")) {
                out.set("status", live.get("status").deepCopy());
            }
        }
        ObjectNode meta = metadata(out);
        JsonNode liveMeta = live.path("metadata");
        for (String field : new String[] {"uid", "creationTimestamp", "resourceVersion", "namespace", "name"}) {
            if (liveMeta.has(field)) {
                meta.set(field, liveMeta.get(field));
            }
        }
        long generation = liveMeta.path("generation").asLong(1);
        boolean specChanged = !out.path("spec").equals(live.path("spec"));
        meta.put("generation", specChanged ? generation + 1 : generation);
        if (meta.path("managedFields").isMissingNode() || meta.path("managedFields").isNull()) {
            meta.remove("managedFields");
        }
        return ApiStatus.ok(200, out);
    }

    private JsonNode jsonPatch(JsonNode live, JsonNode patch) {
        if (!patch.isArray()) {
            throw new IllegalArgumentException("a JSON patch is an array of operations, not " + patch.getNodeType());
        }
        try {
            return JsonPatch.apply(patch, live);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the JSON patch does not apply: " + e.getMessage(), e);
        }
    }

    private JsonNode body(RecordedRequest request) throws IOException {
        String body = request.getUtf8Body();
        JsonNode node = body == null || body.isBlank() ? null : yaml.readTree(body);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the body of a " + request.getMethod() + " must be a JSON object");
        }
        return node;
    }

    private static String contentType(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (type == null) {
            return "";
        }
        int semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).trim();
    }

    private static ObjectNode metadata(ObjectNode object) {
        return object.get("metadata") instanceof ObjectNode m ? m : object.putObject("metadata");
    }

    static String subresource(String path) {
        return path.endsWith("/status") ? "status" : null;
    }

    static String objectPath(String path) {
        return path.endsWith("/status") ? path.substring(0, path.length() - "/status".length()) : path;
    }

    private static String namespaceOf(String collection) {
        String[] parts = collection.split("/");
        for (int i = 0; i + 1 < parts.length; i++) {
            if (parts[i].equals("namespaces")) {
                return parts[i + 1];
            }
        }
        return null;
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
