package io.mlship.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** Test specs and the small repository they refer to, copied where a test may change them. */
public final class SpecFixtures {
    public static final Path ROOT = Path.of("test/resources/specs");

    private SpecFixtures() {
    }

    /** Copies the fixture repository (src/, requirements.txt, smoke/) into {@code dir}. */
    public static Path repoIn(Path dir) {
        copyTree(ROOT.resolve("repo"), dir);
        return dir;
    }

    public static String validSpec() {
        return read(ROOT.resolve("valid/minimal-full.yaml"));
    }

    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path write(Path dir, String name, String content) {
        try {
            Path file = dir.resolve(name);
            Files.writeString(file, content);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void copyTree(Path from, Path to) {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
