package io.mlship.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Writes a record file (deploy, promotion, release records) whole or not at all (see AtomicJson), so a build
 * stopped mid-write never leaves half a record for the next run.
 */
public final class JsonRecords {
    private JsonRecords() {
    }

    public static void write(ObjectMapper json, Path file, Object record, String what) {
        Path target = file.toAbsolutePath();
        try {
            AtomicJson.write(json.writerWithDefaultPrettyPrinter(), target, record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + what + " " + target, e);
        }
    }
}
