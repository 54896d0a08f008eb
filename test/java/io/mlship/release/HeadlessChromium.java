package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Debian's Chromium, headless, to check that a report really renders: the DOM it built, and a screenshot. */
final class HeadlessChromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");

    private HeadlessChromium() {
    }

    static void requireInstalled() {
        assertThat(Files.isExecutable(BINARY))
                .as("Chromium is needed to check the HTML report: install Debian's chromium package (bin/setup does, from bin/packages/report.txt)")
                .isTrue();
    }

    /** The DOM after Chromium parsed and laid out the page. */
    static String dumpDom(Path page, Path scratch) throws IOException, InterruptedException {
        return run(page, scratch, "--dump-dom");
    }

    /** Renders the page into a PNG; returns the file. */
    static Path screenshot(Path page, Path scratch) throws IOException, InterruptedException {
        Path png = scratch.resolve("report.png");
        run(page, scratch, "--screenshot=" + png, "--window-size=1200,1400");
        return png;
    }

    private static String run(Path page, Path scratch, String... what) throws IOException, InterruptedException {
        requireInstalled();
        Path profile = Files.createDirectories(scratch.resolve("chromium-profile-" + System.nanoTime()));
        // Flags that keep Chromium off the network (this machine's is closed) and out of first-run work.
        List<String> cmd = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(List.of(what));
        cmd.add(page.toUri().toString());
        Path out = scratch.resolve("chromium-out-" + System.nanoTime() + ".txt");
        Path err = scratch.resolve("chromium-err-" + System.nanoTime() + ".txt");
        Process p = new ProcessBuilder(cmd).directory(scratch.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("Chromium did not finish rendering " + page + " within 90 s");
        }
        assertThat(p.exitValue()).as("chromium exit; stderr: " + Files.readString(err, StandardCharsets.UTF_8)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
