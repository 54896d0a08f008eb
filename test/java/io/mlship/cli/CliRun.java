package io.mlship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.spec.SpecReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/** One in-process run of the CLI: exit code, what it printed, and its result file. */
public record CliRun(int exitCode, String out, String err, Path resultDir) {

    public static CliRun of(Path resultDir, String... args) {
        return of(resultDir, UnaryOperator.identity(), args);
    }

    /** A run whose spec loader is wrapped by {@code readerAround} (e.g. to count how often the spec is read). */
    public static CliRun of(Path resultDir, UnaryOperator<SpecReader> readerAround, String... args) {
        return of(resultDir, readerAround, System.getenv(), new ByteArrayOutputStream(), args);
    }

    /**
     * A run with these environment variables instead of this process's (as in a Jenkins build, or a terminal),
     * whose console also goes to {@code console} while it runs.
     */
    public static CliRun of(Path resultDir, Map<String, String> env, OutputStream console, String... args) {
        return of(resultDir, UnaryOperator.identity(), env, console, args);
    }

    private static CliRun of(Path resultDir, UnaryOperator<SpecReader> readerAround, Map<String, String> env,
                             OutputStream console, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputStream both = new OutputStream() {
            @Override
            public synchronized void write(int b) throws IOException {
                err.write(b);
                console.write(b);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                err.write(b, off, len);
                console.write(b, off, len);
            }
        };
        CliContext ctx = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(both, true, StandardCharsets.UTF_8), readerAround, env);
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
