package io.mlship.sandbox.vertex;

import java.util.concurrent.atomic.AtomicLong;

/** Numeric ids for models, endpoints and deployed models: one sequence for all, so no two resources share one. */
final class Ids {
    private final AtomicLong last = new AtomicLong(1_000_000);

    String next() {
        return Long.toString(last.incrementAndGet());
    }
}
