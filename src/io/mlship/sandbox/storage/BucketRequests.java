package io.mlship.sandbox.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buckets: each is a folder below the root. Get one, list them, and insert one (which makes the folder), as
 * {@code gcloud storage ls} and {@code gcloud storage buckets create} ask.
 */
final class BucketRequests {
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    /** Where the sandbox's buckets say they are: the region the examples release to. */
    private static final String LOCATION = "EUROPE-WEST4";

    private final ObjectFiles files;

    BucketRequests(ObjectFiles files) {
        this.files = files;
    }

    void get(ApiExchange ex, String bucket) throws IOException {
        ex.json(200, resource(bucket));
    }

    /** A folder of files is a flat namespace: no hierarchical namespace, so clients write objects, not folders. */
    void storageLayout(ApiExchange ex, String bucket) throws IOException {
        files.bucket(bucket);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "storage#storageLayout");
        r.put("bucket", bucket);
        r.put("location", LOCATION);
        r.put("locationType", "region");
        r.put("hierarchicalNamespace", Map.of("enabled", false));
        ex.json(200, r);
    }

    void list(ApiExchange ex) throws IOException {
        List<Map<String, Object>> items = new ArrayList<>();
        for (String bucket : files.buckets()) {
            items.add(resource(bucket));
        }
        ex.json(200, Map.of("kind", "storage#buckets", "items", items));
    }

    void insert(ApiExchange ex) throws IOException {
        Map<String, Object> request;
        try {
            request = ApiExchange.mapper().readValue(ex.body().readAllBytes(), JSON_OBJECT);
        } catch (IOException e) {
            throw ApiError.invalid("Invalid bucket: not a JSON object (" + e.getMessage() + ")");
        }
        String name = request.get("name") instanceof String n ? n : null;
        files.createBucket(name);
        ex.json(200, resource(name));
    }

    private Map<String, Object> resource(String bucket) throws IOException {
        String created = Instant.ofEpochMilli(Files.getLastModifiedTime(files.bucket(bucket)).toMillis()).toString();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "storage#bucket");
        r.put("id", bucket);
        r.put("name", bucket);
        r.put("metageneration", "1");
        r.put("location", LOCATION);
        r.put("locationType", "region");
        r.put("storageClass", "STANDARD");
        r.put("timeCreated", created);
        r.put("updated", created);
        return r;
    }
}
