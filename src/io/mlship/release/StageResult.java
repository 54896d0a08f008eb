package io.mlship.release;

import com.fasterxml.jackson.annotation.JsonIgnore;

/** One stage of a release as it ran: the command's exit code, how long it took and a one-line outcome. */
public record StageResult(String name, StageStatus status, double seconds, Integer exitCode, String message,
                          @JsonIgnore Invocation invocation) {

    public static StageResult skipped(String name, String why) {
        return new StageResult(name, StageStatus.SKIPPED, 0, null, why, null);
    }
}
