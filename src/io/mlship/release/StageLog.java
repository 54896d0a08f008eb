package io.mlship.release;

import io.mlship.progress.Progress;
import io.mlship.result.StageOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stages of one release as they ran: each one's result file, its line in the record, and the console lines a
 * person watching the build reads ("▶ deploy (3/7, 12.0 s elapsed): …", "✔ deploy in 4.1 s: …").
 */
final class StageLog {
    private final StageFiles files;
    private final Progress progress;
    private final Clock clock;
    private final String env;
    private final int planned;
    private final Instant started;
    private final List<StageResult> stages = new ArrayList<>();

    StageLog(StageFiles files, Progress progress, Clock clock, String env, int planned) {
        this.files = files;
        this.progress = progress;
        this.clock = clock;
        this.env = env;
        this.planned = planned;
        this.started = clock.instant();
    }

    /** Something a stage does, which may fail with any exception. */
    @FunctionalInterface
    interface Work<O> {
        O call() throws Exception;
    }

    /** Runs one stage, writes its result file and adds its line; a throw becomes a failed run, never escapes. */
    <O extends StageOutcome> StageRun<O> run(String name, String command, String what, Work<O> work) {
        int number = (int) stages.stream().filter(s -> s.status() != StageStatus.SKIPPED).count() + 1;
        progress.section("▶ " + name + " (" + number + "/" + Math.max(planned, number) + ", "
                + fmt(seconds(Duration.between(started, clock.instant()))) + " s elapsed): " + what);
        Instant at = clock.instant();
        StageRun<O> r;
        try {
            r = StageRun.of(work.call(), Duration.between(at, clock.instant()));
        } catch (Exception e) {
            r = StageRun.threw(e, Duration.between(at, clock.instant()));
        }
        files.write(name, command, at, r.outcome() == null ? java.util.Map.of("environment", env) : r.outcome().resultFields(),
                r.failure());
        stages.add(new StageResult(name, r.succeeded() ? StageStatus.PASSED : StageStatus.FAILED, at.toString(),
                seconds(r.elapsed()), r.exitCode(), r.succeeded() ? null : r.errorMessage()));
        if (!r.succeeded()) {
            progress.step("✖ " + name + " failed (exit " + r.exitCode() + ") after " + fmt(seconds(r.elapsed())) + " s");
        }
        return r;
    }

    void skipped(String name, String why) {
        stages.add(StageResult.skipped(name, why));
    }

    /** The last stage's outcome line, for the record and the console. */
    void done(String name, String outcome) {
        int i = stages.size() - 1;
        StageResult s = stages.get(i);
        stages.set(i, s.with(s.status(), outcome));
        progress.step("✔ " + name + " in " + fmt(s.seconds()) + " s: " + outcome);
    }

    void markLast(StageStatus status) {
        int i = stages.size() - 1;
        StageResult s = stages.get(i);
        stages.set(i, s.with(status, s.message()));
    }

    Instant started() {
        return started;
    }

    List<StageResult> all() {
        return List.copyOf(stages);
    }

    static double seconds(Duration d) {
        return Math.round(d.toMillis() / 100.0) / 10.0;
    }

    static String fmt(double seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds);
    }
}
