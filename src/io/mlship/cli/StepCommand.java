package io.mlship.cli;

import io.mlship.progress.Progress;
import io.mlship.result.ErrorDetails;
import io.mlship.result.ExitCode;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import io.mlship.spec.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * The exit-code and result-file contract, implemented once: a command fills a result map; whatever happens,
 * {@code <result-dir>/<command>.json} is written and the exit code follows the failure's category.
 */
abstract class StepCommand implements Callable<Integer> {

    @ParentCommand
    MlshipCommand parent;

    @Option(names = "--result-dir", paramLabel = "DIR",
            description = "Where to write <command>.json (default: .mlship/out next to the spec).")
    Path resultDir;

    @Option(names = "--params", paramLabel = "FILE",
            description = "Read this command's options from a JSON object (keys are option names in camelCase). "
                    + "The Jenkins steps pass their parameters this way.")
    Path params;

    @Option(names = "--debug", description = "Print stack traces of unexpected errors.")
    boolean debug;

    /** The command's name, also the result file's. */
    abstract String name();

    /** Does the work, putting result fields into {@code result} (kept even when it then fails). */
    abstract void execute(Map<String, Object> result) throws Exception;

    /** Where the result goes when {@code --result-dir} is not given. */
    abstract Path defaultResultDir();

    /** Where this run's result file goes; commands put their other outputs beside it. */
    Path resultDirectory() {
        return resultDir != null ? resultDir : defaultResultDir();
    }

    CliContext context() {
        return parent.context();
    }

    /** What this command tells the person watching, tagged with its name. */
    Progress progress() {
        return context().progress(name());
    }

    @Override
    public final Integer call() {
        Instant started = Instant.now();
        Map<String, Object> result = new LinkedHashMap<>();
        ExitCode exit = ExitCode.OK;
        ErrorDetails error = null;
        try {
            execute(result);
        } catch (MlshipException e) {
            exit = e.category().exitCode();
            error = ErrorDetails.of(e);
            report(e);
        } catch (Exception | LinkageError e) {
            exit = ExitCode.INFRASTRUCTURE;
            error = ErrorDetails.internal(e);
            context().err().println("[mlship " + name() + "] " + error.message());
            context().err().println("  hint: " + error.hint());
            if (debug) {
                e.printStackTrace(context().err());
            }
        }
        long millis = Duration.between(started, Instant.now()).toMillis();
        Path dir = resultDirectory();
        Path written = context().resultFile().write(dir, name(), context().version(), started, millis, exit, result, error);
        if (debug) {
            context().err().println("[mlship " + name() + "] result: " + written);
        }
        return exit.code();
    }

    private void report(MlshipException e) {
        var err = context().err();
        err.println("[mlship " + name() + "] " + e.getMessage());
        for (Problem p : e.problems()) {
            err.println("  " + p.format());
        }
        if (e.hint() != null && !e.hint().isEmpty()) {
            err.println("  hint: " + e.hint());
        }
        if (debug && e.getCause() != null) {
            e.getCause().printStackTrace(err);
        }
    }

    /** A duration option's value (30s, 5m, 1h), or exit 2 naming the option and the value. */
    static Duration durationOption(String option, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw MlshipException.badInput(option + " '" + text + "' is not a duration: " + e.getMessage(),
                    "write it as 30s, 5m or 1h");
        }
    }

    /** The folder next to a spec file where results go by default. */
    static Path besideSpec(Path spec) {
        Path parentDir = spec == null ? null : spec.toAbsolutePath().normalize().getParent();
        return (parentDir == null ? Path.of("") : parentDir).resolve(".mlship").resolve("out");
    }
}
