package io.mlship.image;

/** One layer of the built image as the result file reports it. {@code pushed} is false when it was reused. */
public record LayerResult(String name, String digest, long size, boolean pushed) {
}
