package io.mlship.smoke;

import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.targets.Response;
import java.util.List;

/**
 * One case as it ran: the answer and every expectation it missed. {@code notSent} says why the case was never
 * sent (an earlier case found the target hanging), null when it was; such a case neither passed nor failed.
 */
public record CaseResult(SmokeCase smokeCase, Response response, List<Mismatch> mismatches, String notSent) {

    public CaseResult {
        mismatches = List.copyOf(mismatches);
    }

    public CaseResult(SmokeCase smokeCase, Response response, List<Mismatch> mismatches) {
        this(smokeCase, response, mismatches, null);
    }

    /** A case left out because the verdict was already certain. */
    public static CaseResult notSent(SmokeCase smokeCase, String why) {
        return new CaseResult(smokeCase, Response.failed("not sent: " + why, 0), List.of(), why);
    }

    public boolean passed() {
        return notSent == null && mismatches.isEmpty();
    }

    public boolean failed() {
        return notSent == null && !mismatches.isEmpty();
    }
}
