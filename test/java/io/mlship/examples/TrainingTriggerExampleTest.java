package io.mlship.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The training-finished trigger (a Cloud Function, Python standard library only) has its own tests against a
 * local HTTP server standing in for Jenkins; they run here so one test command covers the repository.
 */
class TrainingTriggerExampleTest {
    private static final Path EXAMPLE = Path.of("examples/training-trigger");

    @Test
    void triggerSendsExactlyTheBuildRequestJenkinsExpects() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("python3", "-m", "unittest", "discover", "-v", "-s", "tests", "-t", ".")
                .directory(EXAMPLE.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process;
        try {
            process = pb.start();
        } catch (java.io.IOException e) {
            throw new AssertionError("python3 is needed for the training trigger's tests; bin/setup installs it", e);
        }
        process.getOutputStream().close();
        boolean finished = process.waitFor(2, TimeUnit.MINUTES);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertThat(finished).as("trigger tests finished within 2 minutes:\n%s", output).isTrue();
        assertThat(process.exitValue()).as("python unittest output:%n%s", output).isZero();
        assertThat(output).containsPattern("test_marker_starts_the_promotion_build_with_the_artifact_path .*\\.\\.\\. ok")
                .containsPattern("Ran [1-9][0-9]* tests").contains("OK");
    }
}
