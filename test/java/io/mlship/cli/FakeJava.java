package io.mlship.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A {@code java} for the launchers' tests: this JVM, except that a run given an option starting with
 * {@code failOn} exits 1 at once, the way a JVM that cannot train or dump an archive fails, without the seconds a
 * real attempt takes.
 */
public final class FakeJava {
    private FakeJava() {
    }

    /** Writes {@code javaHome/bin/java}; returns the environment that puts it first on the PATH. */
    public static Map<String, String> failingOn(Path javaHome, String failOn) throws IOException {
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        String real = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(java, "#!/bin/sh\n"
                + "for a in \"$@\"; do case \"$a\" in '" + failOn + "'*) exit 1 ;; esac; done\n"
                + "exec '" + real + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return Map.of("PATH", java.getParent() + ":" + System.getenv("PATH"));
    }

    /**
     * Turns the marker of a recording that failed into what an archive removed on its own leaves behind: the
     * archive's options file, naming it, and no archive.
     */
    public static void optionsWithoutArchive(Path failedMarker) throws IOException {
        String name = failedMarker.getFileName().toString();
        Path archive = failedMarker.resolveSibling(name.substring(0, name.length() - ".failed".length()));
        Files.delete(failedMarker);
        Files.writeString(archive.resolveSibling(archive.getFileName() + ".args"), "-XX:SharedArchiveFile=" + archive + "\n");
    }
}
