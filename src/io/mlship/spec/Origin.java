package io.mlship.spec;

/** Where a value of the spec came from: the dotted path a person reads and the line in the file. */
public record Origin(String path, int line) {
}
