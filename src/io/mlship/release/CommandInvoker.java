package io.mlship.release;

import java.util.List;

/**
 * Runs one mlship command for a release stage. The release is the other commands composed: each stage keeps
 * its own checks, result file and rollback record, so a person can run or resume any stage by hand.
 */
@FunctionalInterface
public interface CommandInvoker {

    /** Runs {@code mlship <args…>} with its result written under the stage's own folder. */
    Invocation run(String stage, List<String> args);
}
