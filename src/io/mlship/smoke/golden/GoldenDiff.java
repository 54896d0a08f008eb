package io.mlship.smoke.golden;

/** The first difference between the production and candidate answers of one case. */
public record GoldenDiff(String caseName, String path, String baseline, String candidate) {
}
