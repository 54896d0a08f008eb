package io.mlship.release;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How one stage of a release ended. */
public enum StageStatus {
    PASSED, FAILED, SKIPPED, ROLLED_BACK;

    @JsonValue
    public String id() {
        return switch (this) {
            case ROLLED_BACK -> "rolledBack";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }
}
