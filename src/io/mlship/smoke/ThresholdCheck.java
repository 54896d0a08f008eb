package io.mlship.smoke;

/** One threshold as checked: {@code p95 <= 300 ms}, measured {@code 212.4 ms}. */
public record ThresholdCheck(String name, String limit, String actual, boolean passed) {
}
