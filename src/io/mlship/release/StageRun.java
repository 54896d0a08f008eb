package io.mlship.release;

import io.mlship.result.ErrorCategory;
import io.mlship.result.ErrorDetails;
import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import java.time.Duration;

/**
 * One stage as it ran in a release: its outcome (null when it threw before it could report one), why it failed
 * (null when it succeeded) and how long it took.
 */
record StageRun<O extends StageOutcome>(O outcome, MlshipException failure, Duration elapsed) {

    static <O extends StageOutcome> StageRun<O> of(O outcome, Duration elapsed) {
        return new StageRun<>(outcome, outcome.failure(), elapsed);
    }

    /** A stage that threw: mlship's own failures keep their category; anything else is a bug (exit 3). */
    static <O extends StageOutcome> StageRun<O> threw(Exception e, Duration elapsed) {
        if (e instanceof MlshipException m) {
            return new StageRun<>(null, m, elapsed);
        }
        ErrorDetails internal = ErrorDetails.internal(e);
        return new StageRun<>(null, new MlshipException(ErrorCategory.INTERNAL, internal.message(), internal.hint(), e),
                elapsed);
    }

    boolean succeeded() {
        return failure == null;
    }

    int exitCode() {
        return failure == null ? 0 : failure.category().exitCode().code();
    }

    String errorMessage() {
        return failure == null ? "" : failure.getMessage();
    }

    String errorHint() {
        return failure == null || failure.hint() == null ? "" : failure.hint();
    }
}
