package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlPipeline reads from validate's result which environments need a person's approval before a release, and
 * which release what passed another environment's gate (promoteFrom).
 */
class ValidateApprovalTest {
    @TempDir
    Path out;

    @Test
    void validateSaysWhichEnvironmentsNeedApproval() {
        CliRun run = CliRun.of(out, "validate", "--spec", "examples/reco-service/mlship.yaml", "--result-dir", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.result("validate").path("approval").toString()).isEqualTo("{\"staging\":false,\"prod\":true}");
    }

    @Test
    void theModelOnlyExampleIsValid() {
        CliRun run = CliRun.of(out, "validate", "--spec", "examples/model-only/mlship.yaml", "--result-dir", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.result("validate").path("approval").toString()).isEqualTo("{\"staging\":false,\"prod\":true}");
    }

    @Test
    void validateSaysWhichEnvironmentReleasesWhatPassedAnotherOnesGate() throws IOException {
        Path spec = Path.of("examples/reco-service/mlship.yaml"); // prod: promoteFrom: staging

        CliRun run = CliRun.of(out, "validate", "--spec", spec.toString(), "--repo-root", "examples/reco-service",
                "--result-dir", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.result("validate").path("promoteFrom").toString()).isEqualTo("{\"prod\":\"staging\"}");

        CliRun staging = CliRun.of(out, "validate", "--spec", spec.toString(), "--repo-root", "examples/reco-service",
                "--env", "staging", "--result-dir", out.toString());
        assertThat(staging.exitCode()).as(staging.err()).isZero();
        assertThat(staging.result("validate").path("promoteFrom").toString()).as("only the environments checked").isEqualTo("{}");
    }

    @Test
    void withoutPromoteFromTheMapIsEmpty() throws IOException {
        String example = Files.readString(Path.of("examples/reco-service/mlship.yaml"));
        Path spec = out.resolve("mlship.yaml");
        Files.writeString(spec, example.replaceAll("(?m)^    promoteFrom: staging\n", ""));
        CliRun run = CliRun.of(out, "validate", "--spec", spec.toString(), "--repo-root", "examples/reco-service",
                "--result-dir", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.result("validate").path("promoteFrom").toString()).isEqualTo("{}");
    }
}
