package io.mlship.release;

/**
 * Where a finished release is written down off the agent: its gate verdict (when it passed, so a later
 * environment with {@code promoteFrom} may take what it released) and its line in the environment's journal.
 */
@FunctionalInterface
public interface ReleaseLedger {

    /** Nothing kept: a release whose state stays in the workspace, or a test. */
    ReleaseLedger NONE = record -> {
    };

    void finished(ReleaseRecord record);
}
