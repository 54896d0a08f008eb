package io.mlship.smoke.expect;

/** One expectation that did not hold: where in the answer, what was expected, what came back. */
public record Mismatch(String path, String expected, String actual) {
}
