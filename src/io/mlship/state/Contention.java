package io.mlship.state;

import io.mlship.result.MlshipException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Runs a read-modify-write of a state document again when another writer got there first, a bounded number of
 * times. Between attempts it waits a random, growing while, so writers that collided do not collide again in step.
 */
public final class Contention {
    /** How many times in a row a reader or writer may lose to other writers before it gives up. */
    public static final int ATTEMPTS = 40;

    private Contention() {
    }

    /** {@code attempt} reads, changes and writes conditionally; its {@link StateConflict} means: do it again. */
    static <T> T retry(String what, StateStore store, Supplier<T> attempt) {
        StateConflict last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            try {
                return attempt.get();
            } catch (StateConflict conflict) {
                last = conflict;
                pause(i);
            }
        }
        throw MlshipException.infrastructure(what + " in " + store.where() + " lost to other writers " + ATTEMPTS
                        + " times in a row (last: " + last.getMessage() + ")",
                "run the step again; if it keeps failing, look for a process writing the release state in a loop", last);
    }

    /** Waits a random while that grows with {@code attempt} (0, 1, …), up to 64 ms. */
    public static void pause(int attempt) {
        long bound = 1L << Math.min(attempt, 6); // up to 64 ms
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying a write of the release state", e);
        }
    }
}
