package io.mlship.smoke.expect;

import io.mlship.smoke.targets.Response;
import java.util.List;

/** One thing a case expects of an answer. Only called for answers that arrived (no transport error). */
public interface Expectation {

    /** Short and readable, e.g. {@code $.items length 5}. */
    String describe();

    /** Empty when the answer meets the expectation. */
    List<Mismatch> check(Response response);
}
