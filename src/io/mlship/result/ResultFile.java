package io.mlship.result;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes {@code <resultDir>/<command>.json}: the one answer a command gives besides its exit code.
 * Written atomically (see AtomicJson) so a reader never sees half a result.
 */
public final class ResultFile {
    private final ObjectWriter json;

    public ResultFile(ObjectMapper json) {
        this.json = json.writerWithDefaultPrettyPrinter(); // shares the mapper's serializers, unlike a copy of it
    }

    public Path write(Path resultDir, String command, String version, Instant startedAt, long durationMs,
                      ExitCode exitCode, Map<String, Object> fields, ErrorDetails errorDetails) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", command);
        doc.put("status", exitCode == ExitCode.OK ? "succeeded" : "failed");
        doc.put("exitCode", exitCode.code());
        doc.put("mlshipVersion", version);
        doc.put("startedAt", startedAt.toString());
        doc.put("durationMs", durationMs);
        fields.forEach(doc::putIfAbsent);
        if (errorDetails != null) {
            doc.put("errorDetails", errorDetails);
        }
        Path target = resultDir.resolve(command + ".json");
        try {
            AtomicJson.write(json, target, doc);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write result file " + target, e);
        }
    }
}
