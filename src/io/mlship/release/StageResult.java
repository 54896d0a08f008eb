package io.mlship.release;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One stage of a release as it ran: when it started, its exit code, how long it took and a one-line
 * outcome.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StageResult(String name, StageStatus status, String startedAt, double seconds, Integer exitCode,
                          String message) {

    public static StageResult skipped(String name, String why) {
        return new StageResult(name, StageStatus.SKIPPED, null, 0, null, why);
    }

    StageResult with(StageStatus newStatus, String newMessage) {
        return new StageResult(name, newStatus, startedAt, seconds, exitCode, newMessage);
    }
}
