package io.mlship.cli;

import io.mlship.progress.Progress;
import java.io.PrintStream;

/**
 * Progress on the console, the one place that tags lines: a stage's own lines read {@code [mlship deploy] …},
 * a part's details {@code [build] …}. Written to the console's stderr, since stdout carries data a caller
 * pipes on. The gate and the release lock report from threads of their own, so every write holds the stream's
 * monitor: a section's blank line and its line stay together, and no two lines mix.
 */
public final class ConsoleProgress implements Progress {
    private final PrintStream console;
    private final String tag;

    private ConsoleProgress(PrintStream console, String tag) {
        this.console = console;
        this.tag = tag;
    }

    /** The lines of command or release stage {@code stage}: {@code [mlship <stage>] …}. */
    public static ConsoleProgress forStage(PrintStream console, String stage) {
        return new ConsoleProgress(console, "[mlship " + stage + "] ");
    }

    @Override
    public void step(String message) {
        synchronized (console) {
            console.println(tag + message);
        }
    }

    @Override
    public void section(String message) {
        synchronized (console) {
            console.println();
            console.println(tag + message);
        }
    }

    /** A part's lines carry its name alone: they are details under the stage's own lines. */
    @Override
    public Progress of(String part) {
        return new ConsoleProgress(console, "[" + part + "] ");
    }
}
