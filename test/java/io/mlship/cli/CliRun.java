package io.mlship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.spec.SpecReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** One in-process run of the CLI: exit code, what it printed, and its result file. */
public record CliRun(int exitCode, String out, String err, Path resultDir) {

    public static CliRun of(Path resultDir, String... args) {
        return of(resultDir, UnaryOperator.identity(), args);
    }

    /** A run whose spec loader is wrapped by {@code readerAround} (e.g. to count how often the spec is read). */
    public static CliRun of(Path resultDir, UnaryOperator<SpecReader> readerAround, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), readerAround);
        int code = Main.run(ctx, args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), resultDir);
    }

    public JsonNode result(String command) {
        Path file = resultDir.resolve(command + ".json");
        try {
            return new ObjectMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("no result file " + file + "; stderr was:\n" + err, e);
        }
    }
}
