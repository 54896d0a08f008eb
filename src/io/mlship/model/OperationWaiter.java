package io.mlship.model;

import com.google.longrunning.Operation;
import com.google.longrunning.OperationsClient;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Waits for a long-running operation by polling its name: with a timeout, a progress line now and then, and a
 * checkpoint before the wait so that a restarted build can resume it.
 */
public final class OperationWaiter {
    private final OperationsClient operations;
    private final Duration timeout;
    private final Duration pollInterval;
    private final Duration progressEvery;
    private final Progress progress;

    public OperationWaiter(OperationsClient operations, Duration timeout, Duration pollInterval, Duration progressEvery,
                           Progress progress) {
        this.operations = operations;
        this.timeout = timeout;
        this.pollInterval = pollInterval;
        this.progressEvery = progressEvery;
        this.progress = progress;
    }

    /** Saves {@code pending}, waits for it to finish, and returns it done (or throws why not). */
    public Operation await(PendingOperation pending, Consumer<PendingOperation> checkpoint) {
        checkpoint.accept(pending);
        Instant start = Instant.now();
        Instant nextProgress = start.plus(progressEvery);
        progress.step("waiting for " + pending.what() + " (operation " + pending.name() + ", timeout "
                + human(timeout) + ")");
        while (true) {
            Operation op;
            try {
                op = operations.getOperation(pending.name());
            } catch (com.google.api.gax.rpc.NotFoundException e) {
                throw e; // the caller decides: a resumed operation that is gone is no reason to stop
            } catch (RuntimeException e) {
                throw MlshipException.infrastructure("cannot read operation " + pending.name() + " (" + pending.what() + "): "
                        + e.getMessage(), "check the connection to Vertex AI and run the same command again to resume", e);
            }
            if (op.getDone()) {
                if (op.hasError()) {
                    checkpoint.accept(null); // a failed operation is over: the next run must not wait for it again
                    throw MlshipException.infrastructure(pending.what() + " failed: " + op.getError().getMessage()
                                    + " (operation " + pending.name() + ")",
                            "see the operation in the Cloud console; fix the cause and run the command again", null);
                }
                progress.step(pending.what() + " done after " + human(Duration.between(start, Instant.now())));
                checkpoint.accept(null);
                return op;
            }
            Instant now = Instant.now();
            if (now.isAfter(start.plus(timeout))) {
                throw MlshipException.infrastructure("timed out after " + human(timeout) + " waiting for " + pending.what()
                                + " (operation " + pending.name() + " is still running)",
                        "the operation may still finish: run the same command again to resume waiting for it "
                                + "(its name is saved in promote.json), or raise --timeout", null);
            }
            if (now.isAfter(nextProgress)) {
                progress.step("still waiting for " + pending.what() + ": " + human(Duration.between(start, now))
                        + " of " + human(timeout));
                nextProgress = now.plus(progressEvery);
            }
            try {
                Thread.sleep(pollInterval.toMillis()); // polling is the API's contract for operations
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw MlshipException.infrastructure("interrupted while waiting for " + pending.what(),
                        "run the same command again to resume waiting for operation " + pending.name(), e);
            }
        }
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + "ms";
        }
        return s >= 60 ? (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s") : s + "s";
    }
}
