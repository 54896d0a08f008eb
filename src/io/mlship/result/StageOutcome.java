package io.mlship.result;

import java.util.Map;

/**
 * What a stage that began to act reports: the fields of its result file and, when it then failed, why. A stage
 * that fails before it changes anything (bad input, an unreachable API) throws instead: there is nothing to
 * report but the error.
 */
public interface StageOutcome {

    /** The stage's own fields of {@code <stage>.json}, in the order a person reads them. */
    Map<String, Object> resultFields();

    /** Why the stage failed after it began; null when it did its job. */
    MlshipException failure();

    default boolean succeeded() {
        return failure() == null;
    }
}
