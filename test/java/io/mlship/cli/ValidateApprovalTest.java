package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mlPipeline reads from validate's result which environments need a person's approval before a release. */
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
}
