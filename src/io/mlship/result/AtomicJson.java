package io.mlship.result;

import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a JSON file whole or not at all: into a new file beside it, then moved over it atomically, so a reader
 * (or the next run, after a stopped build) never sees half of one. A failed write leaves nothing behind.
 */
final class AtomicJson {
    private static final int NAME_ATTEMPTS = 5;

    private AtomicJson() {
    }

    static void write(ObjectWriter writer, Path target, Object value) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = create(dir, target.getFileName().toString());
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                writer.writeValue(out, value);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * A new, hidden file named by process and clock. Not {@code Files.createTempFile}: its random names set up a
     * secure random generator first, about 10 ms of a cold start, for files only this process writes.
     */
    private static Path create(Path dir, String name) throws IOException {
        long pid = ProcessHandle.current().pid();
        for (int attempt = 1; ; attempt++) {
            Path tmp = dir.resolve("." + name + "." + pid + "." + System.nanoTime() + ".tmp");
            try {
                return Files.createFile(tmp);
            } catch (FileAlreadyExistsException e) {
                if (attempt == NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }
}
