package io.mlship.smoke.targets;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a target answered. {@code transportError} is set when there was no answer at all (refused, timed out,
 * reset); then {@code status} is 0. {@code json} is the parsed body, or null when the body is not JSON.
 * {@code modelVersionId} is what a Vertex AI endpoint reports served the request (null for HTTP targets);
 * {@code imageDigest} is the digest an HTTP service echoed ({@link HttpTarget#IMAGE_DIGEST_HEADER}; null: none).
 */
public record Response(int status, String body, JsonNode json, long latencyNanos, String transportError,
                       String modelVersionId, String imageDigest) {

    public Response(int status, String body, JsonNode json, long latencyNanos, String transportError, String modelVersionId) {
        this(status, body, json, latencyNanos, transportError, modelVersionId, null);
    }

    public static Response failed(String why, long latencyNanos) {
        return new Response(0, "", null, latencyNanos, why, null);
    }

    public boolean answered() {
        return transportError == null;
    }
}
