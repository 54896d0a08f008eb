package io.mlship.smoke.cases;

import io.mlship.smoke.expect.Expectation;
import java.util.List;

/** One smoke case: a request and what its answer must satisfy; {@code line} is where it starts in its file. */
public record SmokeCase(String name, SmokeRequest request, List<Expectation> expectations, int expectedStatus,
                        String file, int line) {

    public SmokeCase {
        expectations = List.copyOf(expectations);
    }
}
