package io.mlship.result;

/** Why a command failed; each category has exactly one exit code. */
public enum ErrorCategory {
    BAD_INPUT("badInput", ExitCode.BAD_INPUT),
    GATE_FAILED("gateFailed", ExitCode.ROLLED_BACK),
    ROLLOUT_FAILED("rolloutFailed", ExitCode.ROLLED_BACK),
    INFRASTRUCTURE("infrastructure", ExitCode.INFRASTRUCTURE),
    ROLLBACK_FAILED("rollbackFailed", ExitCode.ROLLBACK_FAILED),
    /** A bug in mlship itself; reported like an infrastructure error so the build stops. */
    INTERNAL("internal", ExitCode.INFRASTRUCTURE);

    private final String id;
    private final ExitCode exitCode;

    ErrorCategory(String id, ExitCode exitCode) {
        this.id = id;
        this.exitCode = exitCode;
    }

    /** The name written into result files. */
    public String id() {
        return id;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
