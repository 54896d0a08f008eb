package io.mlship.sandbox.container;

import io.mlship.result.MlshipException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs one host command to completion within a deadline, capturing both output streams (used by this package). */
public final class Exec {
    /** What a finished command left behind. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean ok() {
            return exitCode == 0;
        }

        /** The command and its error output, for messages. */
        public String describe() {
            String err = stderr.isBlank() ? stdout : stderr;
            return "'" + String.join(" ", command) + "' exited " + exitCode
                    + (err.isBlank() ? "" : ": " + err.strip());
        }
    }

    private Exec() {
    }

    /**
     * Runs {@code command} with {@code extraEnv} added to this process's environment. Waits at most {@code timeout}
     * for it to finish ({@code purpose} says what for, in the error), then kills it.
     */
    static Result run(List<String> command, Map<String, String> extraEnv, Duration timeout, String purpose) {
        return run(command, extraEnv, timeout, purpose, false);
    }

    /** As {@link #run(List, Map, Duration, String)}; with {@code merged}, stderr is interleaved into stdout. */
    static Result run(List<String> command, Map<String, String> extraEnv, Duration timeout, String purpose,
                      boolean merged) {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(merged);
        pb.environment().putAll(extraEnv);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw MlshipException.infrastructure("cannot start '" + command.get(0) + "' to " + purpose + ": "
                    + e.getMessage(), "check that '" + command.get(0) + "' is installed and on PATH", e);
        }
        try {
            process.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw MlshipException.infrastructure("'" + String.join(" ", command) + "' did not finish within "
                        + timeout.toSeconds() + "s while waiting to " + purpose,
                        "the command was killed; look for a hung process or a full disk", null);
            }
            return new Result(List.copyOf(command), process.exitValue(),
                    out.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
                    err.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw MlshipException.infrastructure("interrupted while waiting to " + purpose, "", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | IOException e) {
            process.destroyForcibly();
            throw MlshipException.infrastructure("cannot read the output of '" + command.get(0) + "' while waiting to "
                    + purpose + ": " + e.getMessage(), "", e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
