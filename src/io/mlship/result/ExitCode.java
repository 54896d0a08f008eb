package io.mlship.result;

/** The exit codes every mlship command uses; the Jenkins steps map them to build results. */
public enum ExitCode {
    /** Done. */
    OK(0),
    /** A gate or rollout failed and what ran before was restored. */
    ROLLED_BACK(1),
    /** Bad input: spec, parameters or files. Nothing was changed. */
    BAD_INPUT(2),
    /** Infrastructure: unreachable, auth, quota, timeouts. */
    INFRASTRUCTURE(3),
    /** Rolling back failed: a person must look. */
    ROLLBACK_FAILED(4);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
