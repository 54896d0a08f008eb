package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.mockwebserver.http.MockResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * The refusals of kube-apiserver that optimistic concurrency and size-bound stores rely on, with its wording:
 * a create of a name that exists (409 AlreadyExists), an update from a stale resourceVersion (409 Conflict), and a
 * ConfigMap or Secret whose data is over 1 MiB (422 Invalid).
 */
final class ApiRefusals {
    /** kube-apiserver's bound on a ConfigMap's or a Secret's data, keys and values together. */
    static final int MAX_DATA_BYTES = 1024 * 1024;

    private ApiRefusals() {
    }

    static MockResponse alreadyExists(String objectPath) {
        return ApiStatus.failure(409, "AlreadyExists", resource(objectPath) + " \"" + name(objectPath) + "\" already exists");
    }

    static MockResponse conflict(String objectPath) {
        return ApiStatus.failure(409, "Conflict", "Operation cannot be fulfilled on " + resource(objectPath) + " \""
                + name(objectPath) + "\": the object has been modified; please apply your changes to the latest version and try again");
    }

    /** 422 when {@code object}, to be stored at {@code objectPath}, holds more data than its kind allows; else null. */
    static MockResponse tooLarge(String objectPath, JsonNode object) {
        String kind = resource(objectPath);
        if (!kind.equals("configmaps") && !kind.equals("secrets")) {
            return null;
        }
        long size = 0;
        boolean secret = kind.equals("secrets");
        // A Secret's data and a ConfigMap's binaryData are base64 on the wire; the bound is on the bytes they hold.
        size += bytes(object.path("data"), secret) + bytes(object.path("binaryData"), true) + bytes(object.path("stringData"), false);
        if (size <= MAX_DATA_BYTES) {
            return null;
        }
        return ApiStatus.failure(422, "Invalid", (secret ? "Secret" : "ConfigMap") + " \"" + name(objectPath) + "\" is invalid: "
                + (secret ? "data" : "[]") + ": Too long: must have at most " + MAX_DATA_BYTES + " bytes");
    }

    private static long bytes(JsonNode data, boolean base64) {
        long size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = e.getValue().asText("");
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length;
            size += base64 ? decodedLength(value) : value.getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    private static long decodedLength(String value) {
        try {
            return Base64.getDecoder().decode(value).length;
        } catch (IllegalArgumentException notBase64) {
            return value.length(); // the store does not judge encodings; count what was sent
        }
    }

    /** {@code configmaps}, or {@code deployments.apps} for a kind in a named group, as the API server names them. */
    private static String resource(String objectPath) {
        String[] parts = objectPath.split("/");
        String plural = parts.length >= 2 ? parts[parts.length - 2] : "";
        return parts.length > 2 && parts[1].equals("apis") ? plural + "." + parts[2] : plural;
    }

    private static String name(String objectPath) {
        return objectPath.substring(objectPath.lastIndexOf('/') + 1);
    }
}
