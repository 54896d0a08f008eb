package io.mlship.smoke.targets;

import io.mlship.smoke.cases.SmokeRequest;
import java.util.Map;

/**
 * Where the gate sends its requests. {@link #send} never throws and never blocks longer than the target's
 * request timeout: a failure is a {@link Response} with a transport error, so a hanging target fails the gate
 * instead of hanging the build. Implementations are used from many threads at once.
 */
public interface Target extends AutoCloseable {

    /** For reports: the URL or endpoint. */
    String describe();

    Response send(SmokeRequest request);

    /** Like {@link #send} for the load run, where only status and latency count: the body need not be parsed. */
    default Response measure(SmokeRequest request) {
        return send(request);
    }

    /**
     * How many answers each model version gave (a Vertex AI endpoint says which version served a request);
     * empty when the target cannot tell.
     */
    default Map<String, Long> modelVersions() {
        return Map.of();
    }

    @Override
    default void close() {
    }
}
