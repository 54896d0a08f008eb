package io.mlship.sandbox.container;

import java.nio.file.Path;

/** One uncompressed layer tar on disk and its digest ({@code sha256:…}, the config's diff id). */
public record Layer(Path tar, String diffId, long size) {
}
