package io.mlship.smoke;

import io.mlship.progress.Progress;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.targets.Response;
import io.mlship.smoke.targets.Target;
import java.time.Duration;

/**
 * Waits, before a gate judges anything, until the host delivers to the version under test. A router takes a
 * moment to follow a change (ingress-nginx reloads, a Gateway programs its load balancer, endpoints catch up), and
 * meanwhile it answers 502/503 or sends the candidate's requests to stable: judging those answers would fail a good
 * candidate, or pass a bad one on stable's answers. Only when the service names its image can it tell; otherwise the
 * first answer that is not a router's error is enough.
 */
final class RouteSettle {
    private final Progress progress;
    private final Duration budget;
    private final Duration pause;

    RouteSettle(Progress progress, Duration budget, Duration pause) {
        this.progress = progress;
        this.budget = budget;
        this.pause = pause;
    }

    /**
     * Whether {@code expected} answered {@code probe} within the budget; it says what it waited for either way. A
     * probe that waits out the whole {@code requestTimeout} ends the wait at once: a host that hangs is not a route
     * catching up, and the cases judge it as fast as they judge any hanging target.
     */
    boolean await(Target target, SmokeRequest probe, String expected, Duration requestTimeout) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + budget.toNanos();
        int tries = 0;
        String last = null;
        while (true) {
            Response r = target.send(probe);
            tries++;
            if (!r.answered() && r.latencyNanos() >= requestTimeout.toNanos() - Duration.ofMillis(50).toNanos()) {
                progress.step("the host gives no answer within " + requestTimeout.toMillis() + " ms: the cases judge it");
                return false;
            }
            if (delivered(r, expected)) {
                if (tries > 1) {
                    progress.step("the route delivers to " + abbreviated(expected) + " after " + tries + " tries ("
                            + millis(start) + " ms)");
                }
                return true;
            }
            last = !r.answered() ? r.transportError() : r.status() >= 502 && r.status() <= 504 ? "HTTP " + r.status()
                    : "answered by " + abbreviated(r.imageDigest());
            if (tries == 1) {
                progress.step("waiting up to " + budget.toSeconds() + " s for the route to deliver to "
                        + abbreviated(expected) + " (" + last + ")");
            }
            if (System.nanoTime() + pause.toNanos() > end) {
                progress.warn("the route did not deliver to " + abbreviated(expected) + " within " + budget.toSeconds()
                        + " s (last: " + last + "); the cases run anyway and say what answered");
                return false;
            }
            Thread.sleep(pause.toMillis());
        }
    }

    /** An answer naming the image came from it, whatever its status; one naming none counts unless a router's error. */
    private static boolean delivered(Response r, String expected) {
        if (!r.answered()) {
            return false;
        }
        if (r.imageDigest() != null) {
            return r.imageDigest().equals(expected);
        }
        return r.status() < 502 || r.status() > 504;
    }

    private static String abbreviated(String digest) {
        return digest == null ? "no image named" : digest.length() > 19 ? digest.substring(0, 19) + "…" : digest;
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
