package io.mlship.sandbox.container;

import java.nio.file.Path;

/**
 * Where the container tests keep what they share: the base image is made once per build directory (the cache does
 * the rest) and podman's state stays under target/, apart from any podman setup of the machine.
 */
final class TestImages {
    static final Path ROOT = Path.of("target", "container-test").toAbsolutePath();

    private TestImages() {
    }

    static PythonBaseImage.BaseImage base() {
        return new PythonBaseImage(ROOT.resolve("base-cache"), System.err).ensure();
    }

    static Podman podman() {
        return Podman.inStateDir(ROOT.resolve("podman"), System.err);
    }
}
