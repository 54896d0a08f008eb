package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * tools/report-check, as bin/check-reports runs it: serves a folder of reports with Jenkins' default
 * Content-Security-Policy, renders each in headless Chromium (puppeteer-core) and reports CSP violations,
 * unstyled tables and words broken in table cells. A missing Node, Chromium or puppeteer-core fails the test.
 */
final class JenkinsCspCheck {
    static final Path TOOL = Path.of("tools/report-check").toAbsolutePath();

    record Outcome(int exitCode, String output) {
    }

    private JenkinsCspCheck() {
    }

    static Outcome run(Path reports, Path screenshots) throws IOException, InterruptedException {
        requireInstalled();
        Path log = Files.createTempFile("report-check", ".txt");
        Process p = new ProcessBuilder(List.of("node", TOOL.resolve("check-reports.mjs").toString(), reports.toAbsolutePath().toString(),
                "--screenshots", screenshots.toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the report check did not finish within 120 s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertThat(p.exitValue()).as("the report check could not run (exit 2 or 3):\n" + output).isIn(0, 1);
        return new Outcome(p.exitValue(), output);
    }

    private static void requireInstalled() throws IOException, InterruptedException {
        HeadlessChromium.requireInstalled();
        boolean node;
        try {
            node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            node = false;
        }
        assertThat(node).as("Node is needed to check the reports under Jenkins' CSP: install Debian's nodejs package (bin/setup does)").isTrue();
        assertThat(TOOL.resolve("node_modules/puppeteer-core/package.json"))
                .as("puppeteer-core is needed to check the reports under Jenkins' CSP: run bin/setup (npm ci in tools/report-check)")
                .exists();
    }
}
