package io.mlship.release;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;

/** One mlship command run by the release: its exit code, its result file (parsed) and how long it took. */
public record Invocation(String command, int exitCode, JsonNode result, Path resultFile, Duration elapsed) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** A field of the result, or "" when absent. */
    public String text(String field) {
        JsonNode n = result == null ? null : result.get(field);
        return n == null || n.isNull() ? "" : n.asText();
    }

    /** The failure's message from the result's errorDetails (or the exit code when there is none). */
    public String errorMessage() {
        JsonNode m = result == null ? null : result.path("errorDetails").get("message");
        return m == null || m.isNull() ? "mlship " + command + " exited with " + exitCode : m.asText();
    }

    public String errorHint() {
        JsonNode m = result == null ? null : result.path("errorDetails").get("hint");
        return m == null || m.isNull() ? "" : m.asText();
    }
}
