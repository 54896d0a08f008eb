package io.mlship.image;

import com.google.cloud.tools.jib.http.ResponseException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/**
 * How a push survives a registry's bad moment. Jib itself retries a request whose connection failed (with
 * google-http-client's exponential backoff, at most 10 times, each request timing out after {@code jib.httpTimeout},
 * 20 s by default) but not a 5xx answer. mlship retries the whole push on top: {@code attempts} in all, waiting
 * {@code firstBackoff}, then twice that; Jib first asks the registry which blobs it has, so a retry uploads only what
 * is missing and the manifest (which names the tags) goes last. {@code deadline} bounds everything, so a registry that
 * stops answering ends the build with a clear error instead of a stuck job.
 */
public record PushRetry(int attempts, Duration firstBackoff, Duration deadline) {
    public PushRetry {
        Objects.requireNonNull(firstBackoff, "firstBackoff");
        Objects.requireNonNull(deadline, "deadline");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
    }

    public static PushRetry defaults() {
        return new PushRetry(3, Duration.ofSeconds(1), Duration.ofMinutes(10));
    }

    public PushRetry withDeadline(Duration d) {
        return new PushRetry(attempts, firstBackoff, d);
    }

    /** The wait before attempt {@code next} (2, 3, …). */
    Duration backoffBefore(int next) {
        return firstBackoff.multipliedBy(1L << Math.min(10, next - 2));
    }

    /** A failure worth another attempt: the registry erred (5xx), throttled (429) or the connection broke. */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ResponseException r) {
                return r.getStatusCode() >= 500 || r.getStatusCode() == 429;
            }
            if (t instanceof SocketException || t instanceof SocketTimeoutException || t instanceof EOFException
                    || t instanceof ConnectException || t.getClass().getSimpleName().equals("NoHttpResponseException")) {
                return true;
            }
        }
        return false;
    }
}
