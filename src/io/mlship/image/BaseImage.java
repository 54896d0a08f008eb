package io.mlship.image;

import java.nio.file.Path;

/** Where the base image comes from: nothing, a docker-archive tar file, or a registry reference. */
public record BaseImage(Kind kind, String reference, Path tar) {
    public enum Kind { SCRATCH, TAR, REGISTRY }

    public static BaseImage scratch() {
        return new BaseImage(Kind.SCRATCH, "scratch", null);
    }

    public static BaseImage tar(Path file) {
        return new BaseImage(Kind.TAR, file.toString(), file);
    }

    public static BaseImage registry(String reference) {
        return new BaseImage(Kind.REGISTRY, reference, null);
    }

    /** "scratch", a path ending in .tar (resolved against {@code folder}), or an image reference. */
    public static BaseImage parse(String value, Path folder) {
        if ("scratch".equals(value)) {
            return scratch();
        }
        if (value.endsWith(".tar")) {
            return tar(folder.resolve(value).toAbsolutePath().normalize());
        }
        return registry(value);
    }

    /** A registry base is reproducible only when pinned by digest; a tag can move under the same spec. */
    public boolean pinned() {
        return kind != Kind.REGISTRY || reference.contains("@sha256:");
    }
}
