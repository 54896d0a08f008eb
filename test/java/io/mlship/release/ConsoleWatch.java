package io.mlship.release;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A console a test can wait on: what a running CLI has printed so far, and a wait for a line to appear. */
final class ConsoleWatch extends OutputStream {
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
        seen.write(b);
        notifyAll();
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        seen.write(b, off, len);
        notifyAll();
    }

    /** Waits until the console shows {@code text}; fails naming it and showing the console after {@code limit}. */
    synchronized void await(String text, Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (!seen.toString(StandardCharsets.UTF_8).contains(text)) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("the console did not show \"" + text + "\" within " + limit.toSeconds()
                        + "s; it showed:\n" + seen.toString(StandardCharsets.UTF_8));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }
}
