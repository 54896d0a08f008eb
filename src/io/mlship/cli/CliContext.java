package io.mlship.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mlship.progress.Progress;
import io.mlship.result.ResultFile;
import io.mlship.spec.SpecLoader;
import io.mlship.spec.SpecReader;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * What the commands of one CLI run share. Clients are created on first use, so a command pays only for
 * what it touches (start-up time matters: every Jenkins step starts the CLI afresh).
 */
public final class CliContext {
    private ObjectMapper json;
    private final PrintStream out;
    private final PrintStream err;
    private final UnaryOperator<SpecReader> readerAround;
    private final Map<String, String> env;
    private Future<SpecLoader> specLoader;
    private String version;

    public CliContext() {
        this(System.out, System.err);
    }

    public CliContext(PrintStream out, PrintStream err) {
        this(out, err, UnaryOperator.identity());
    }

    /** {@code readerAround} wraps the spec loader (a test counts how often a command reads the spec). */
    public CliContext(PrintStream out, PrintStream err, UnaryOperator<SpecReader> readerAround) {
        this(out, err, readerAround, System.getenv());
    }

    /** {@code env} stands for the process environment (a test runs the CLI as Jenkins or a terminal would). */
    public CliContext(PrintStream out, PrintStream err, UnaryOperator<SpecReader> readerAround, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.readerAround = readerAround;
        this.env = Map.copyOf(env);
    }

    /** The environment variables the CLI runs with. */
    public Map<String, String> env() {
        return env;
    }

    /** Built on first use: {@code mlship --version}, which every Jenkins step runs first, never needs it. */
    public synchronized ObjectMapper json() {
        if (json == null) {
            // The one module mlship's JSON needs (java.time), named rather than found by scanning the class path.
            json = JsonMapper.builder().addModule(new JavaTimeModule()).build();
        }
        return json;
    }

    /** Data a caller may pipe on (rendered YAML). */
    public PrintStream out() {
        return out;
    }

    /** Messages for the person watching the console. */
    public PrintStream err() {
        return err;
    }

    /** What stage {@code stage} tells the person watching: {@code [mlship <stage>]} lines on the console. */
    public Progress progress(String stage) {
        return ConsoleProgress.forStage(err, stage);
    }

    /**
     * Starts building the spec loader on a second thread. Compiling the spec's schema and the code that binds it
     * is a large part of a cold start, and none of it depends on the command line, so it overlaps with parsing it.
     */
    void prepareSpecLoader() {
        synchronized (this) {
            if (specLoader == null) {
                FutureTask<SpecLoader> task = new FutureTask<>(() -> new SpecLoader(json()));
                Thread builder = new Thread(task, "mlship-spec-loader");
                builder.setDaemon(true);
                builder.start();
                specLoader = task;
            }
        }
    }

    /**
     * Runs {@code task} on a daemon thread of its own. For work that only makes a later step faster (loading and
     * initialising classes a command's first remote call needs) and that the command line does not decide: it
     * then overlaps with parsing the command line and the spec, on the core those leave idle. A failure is
     * ignored, since the step it prepares does the same work again and reports what goes wrong there.
     */
    void warmUp(String name, WarmUp task) {
        Thread thread = new Thread(() -> {
            try {
                task.run();
            } catch (Exception | LinkageError e) {
                // nothing to do: see above
            }
        }, "mlship-warm-up-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Work for {@link #warmUp}: no result, no effect but on speed. */
    @FunctionalInterface
    interface WarmUp {
        void run() throws Exception;
    }

    public SpecReader specLoader() {
        prepareSpecLoader();
        try {
            return readerAround.apply(specLoader.get()); // waits at most for the schema to compile: no I/O but a resource in the jar
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the spec loader was being built", e);
        }
    }

    public ResultFile resultFile() {
        return new ResultFile(json());
    }

    /** The mlship version, from the same resource the Jenkins library reads to check the CLI. */
    public String version() {
        if (version == null) {
            try (InputStream in = CliContext.class.getResourceAsStream("/io/mlship/version.txt")) {
                if (in == null) {
                    throw new IllegalStateException("io/mlship/version.txt missing from the mlship jar");
                }
                version = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return version;
    }
}
