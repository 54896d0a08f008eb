package io.mlship.kube.lock;

import java.time.Duration;

/** One release per service and environment at a time. */
public interface ReleaseLock {

    /** Waits up to {@code timeout} for the lock; fails clearly (naming the holder) when it stays taken. */
    Held acquire(Duration timeout);

    /** A held lock; closing releases it. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /** No lock here: the pipeline holds one (Jenkins' lock step) or the caller chose none. */
    static ReleaseLock none() {
        return timeout -> () -> { };
    }
}
