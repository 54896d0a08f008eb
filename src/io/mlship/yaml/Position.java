package io.mlship.yaml;

/** Where a value starts in its text: 1-based line and column. */
public record Position(int line, int column) {
}
