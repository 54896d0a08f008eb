package io.mlship.smoke.targets;

import io.mlship.smoke.cases.SmokeRequest;
import java.util.Map;

/**
 * Where the gate sends its requests. {@link #send} never blocks longer than the target's request timeout and
 * does not throw for what the target does: a failure is a {@link Response} with a transport error, so a hanging
 * target fails the gate instead of hanging the build. It throws {@link io.mlship.result.MlshipException} only when
 * the gate cannot judge the target at all (a certificate it cannot trust: the environment's setup, exit 3).
 * Implementations are used from many threads at once.
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
     * Ends every request in flight now, each with a transport error, instead of waiting for its timeout: the gate's
     * verdict is already certain. Requests sent later are not affected.
     */
    default void cancelInFlight() {
    }

    /**
     * How many answers each model version gave (a Vertex AI endpoint says which version served a request);
     * empty when the target cannot tell.
     */
    default Map<String, Long> modelVersions() {
        return Map.of();
    }

    /**
     * How many answers named each image digest ({@link HttpTarget#IMAGE_DIGEST_HEADER}, which a service may echo from
     * its pod's environment); empty when no answer named one.
     */
    default Map<String, Long> imageDigests() {
        return Map.of();
    }

    @Override
    default void close() {
    }
}
