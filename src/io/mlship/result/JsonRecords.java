package io.mlship.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a record file (deploy, promotion, release records) whole or not at all: into a temporary file beside it,
 * then moved over it atomically, so a build stopped mid-write never leaves half a record for the next run.
 */
public final class JsonRecords {
    private JsonRecords() {
    }

    public static void write(ObjectMapper json, Path file, Object record, String what) {
        Path target = file.toAbsolutePath();
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
            json.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), record);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + what + " " + target, e);
        }
    }
}
