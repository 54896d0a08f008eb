package io.mlship.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The example DS repository carries its own Python tests (model quality, server contract, training
 * reproducibility); they run here so one test command covers the whole repository.
 */
class ExampleServiceTest {
    private static final Path EXAMPLE = Path.of("examples/reco-service");

    @Test
    void exampleServiceOwnTestsPass() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("python3", "-m", "unittest", "discover", "-s", "tests", "-t", ".")
                .directory(EXAMPLE.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", "src");
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process;
        try {
            process = pb.start();
        } catch (java.io.IOException e) {
            throw new AssertionError("python3 is needed for the example's tests; bin/setup installs it", e);
        }
        process.getOutputStream().close();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("example tests finished within 5 minutes:\n%s", output).isTrue();
        assertThat(process.exitValue()).as("python unittest output:%n%s", output).isZero();
        assertThat(output).containsPattern("Ran [1-9][0-9]* tests").contains("OK");
        System.out.println(output.replace(File.separator + File.separator, File.separator));
    }
}
