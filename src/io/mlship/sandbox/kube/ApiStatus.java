package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.MockResponse;

/** The API's answers as JSON: an object, or a {@code Status} for a failure. */
final class ApiStatus {
    private static final String JSON = "application/json";

    private ApiStatus() {
    }

    static MockResponse ok(int code, JsonNode object) {
        return new MockResponse().setResponseCode(code).setHeader("Content-Type", JSON).setBody(object.toString());
    }

    static MockResponse failure(int code, String reason, String message) {
        return respond(status(code, reason, message));
    }

    /** 409 with one cause per contested field, as the API server answers an apply that conflicts. */
    static MockResponse conflicts(FieldOwnership.ConflictsFound e) {
        ObjectNode status = status(409, "Conflict", e.getMessage());
        ArrayNode causes = status.putObject("details").putArray("causes");
        e.conflicts().forEach(c -> causes.addObject().put("reason", "FieldManagerConflict")
                .put("message", "conflict with " + c.manager()).put("field", c.field()));
        return respond(status);
    }

    private static ObjectNode status(int code, String reason, String message) {
        ObjectNode status = JsonNodeFactory.instance.objectNode().put("kind", "Status").put("apiVersion", "v1");
        status.putObject("metadata");
        return status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    }

    private static MockResponse respond(ObjectNode status) {
        return new MockResponse().setResponseCode(status.get("code").asInt()).setHeader("Content-Type", JSON).setBody(status.toString());
    }
}
