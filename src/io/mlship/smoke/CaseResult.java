package io.mlship.smoke;

import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.targets.Response;
import java.util.List;

/** One case as it ran: the answer and every expectation it missed. */
public record CaseResult(SmokeCase smokeCase, Response response, List<Mismatch> mismatches) {

    public CaseResult {
        mismatches = List.copyOf(mismatches);
    }

    public boolean passed() {
        return mismatches.isEmpty();
    }
}
