package io.mlship.spec;

/** Who and what is released: the name every derived object carries. */
public record ServiceSpec(String name, String team, String description, String repository) {
}
