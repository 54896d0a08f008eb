package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The exit-code and result-file contract the Jenkins steps rely on. */
class CliContractTest {
    @TempDir
    Path tmp;
    Path repo;
    Path spec;
    Path out;

    @BeforeEach
    void setUp() {
        repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        spec = SpecFixtures.write(repo, "mlship.yaml", SpecFixtures.validSpec());
        out = tmp.resolve("out");
    }

    @Test
    void successWritesResultAndExitsZero() {
        CliRun run = CliRun.of(out, "validate", "--spec", spec.toString(), "--result-dir", out.toString());

        assertThat(run.exitCode()).isZero();
        JsonNode result = run.result("validate");
        assertThat(result.path("command").asText()).isEqualTo("validate");
        assertThat(result.path("status").asText()).isEqualTo("succeeded");
        assertThat(result.path("exitCode").asInt()).isZero();
        assertThat(result.path("mlshipVersion").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(result.path("valid").asBoolean()).isTrue();
        assertThat(result.path("environments")).hasSize(1);
        assertThat(result.has("errorDetails")).isFalse();
        assertThat(result.path("durationMs").asLong()).isNotNegative();
    }

    @Test
    void resultGoesNextToTheSpecByDefault() {
        CliRun run = CliRun.of(repo.resolve(".mlship/out"), "validate", "--spec", spec.toString());
        assertThat(run.exitCode()).isZero();
        assertThat(Files.exists(repo.resolve(".mlship/out/validate.json"))).isTrue();
    }

    @Test
    void badSpecExitsTwoWithErrorDetails() {
        SpecFixtures.write(repo, "mlship.yaml", SpecFixtures.validSpec().replace("deploy:", "deplyo:"));
        CliRun run = CliRun.of(out, "validate", "--spec", spec.toString(), "--result-dir", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode details = run.result("validate").path("errorDetails");
        assertThat(details.path("category").asText()).isEqualTo("badInput");
        assertThat(details.path("message").asText()).contains("1 problem");
        assertThat(details.path("problems").get(0).path("path").asText()).isEqualTo("deplyo");
        assertThat(run.err()).contains("mlship.yaml:").contains("deplyo: unknown key — did you mean 'deploy'?");
    }

    @Test
    void missingSpecFileIsBadInput() {
        CliRun run = CliRun.of(out, "validate", "--spec", repo.resolve("nope.yaml").toString(), "--result-dir", out.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("validate").path("errorDetails").path("problems").get(0).path("message").asText())
                .contains("spec file not found");
    }

    @Test
    void paramsFileSuppliesOptionsLikeTheCommandLine() throws Exception {
        Path params = tmp.resolve("params.json");
        Files.writeString(params, "{\"spec\": \"" + spec.toString().replace("\\", "\\\\") + "\", \"env\": \"staging\", "
                + "\"resultDir\": \"" + out.toString().replace("\\", "\\\\") + "\"}");
        CliRun run = CliRun.of(out, "validate", "--params", params.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.result("validate").path("environments").get(0).asText()).isEqualTo("staging");
    }

    @Test
    void unknownParamsKeyIsBadInputAndStillWritesAResult() throws Exception {
        Path params = tmp.resolve("params.json");
        Files.writeString(params, "{\"spec\": \"mlship.yaml\", \"enviroment\": \"staging\", \"resultDir\": \""
                + out.toString().replace("\\", "\\\\") + "\"}");
        CliRun run = CliRun.of(out, "validate", "--params", params.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--enviroment");
        JsonNode result = run.result("validate");
        assertThat(result.path("errorDetails").path("category").asText()).isEqualTo("badInput");
        assertThat(result.path("errorDetails").path("message").asText()).contains("enviroment");
    }

    @Test
    void malformedParamsFileIsBadInput() throws Exception {
        Path params = tmp.resolve("params.json");
        Files.writeString(params, "{\"spec\": ");
        CliRun run = CliRun.of(out, "validate", "--params", params.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("not valid JSON");
    }

    @Test
    void shellMetacharactersInParamsStayPlainValues() throws Exception {
        Path params = tmp.resolve("params.json");
        String evil = "staging; touch " + tmp.resolve("pwned") + " $(id) `id` ${HOME}\nrm -rf /";
        Files.writeString(params, new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(java.util.Map.of(
                "spec", spec.toString(), "env", evil, "resultDir", out.toString())));
        CliRun run = CliRun.of(out, "validate", "--params", params.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("validate").path("errorDetails").path("message").asText()).contains("is not in mlship.yaml");
        assertThat(Files.exists(tmp.resolve("pwned"))).isFalse();
    }

    @Test
    void everyCommandIsListedUnderItsOwnName() {
        // Main adds only the command a run names, looked up in MlshipCommand.SUBCOMMANDS: names must match.
        for (var entry : MlshipCommand.SUBCOMMANDS) {
            assertThat(entry.getValue().getAnnotation(picocli.CommandLine.Command.class).name()).isEqualTo(entry.getKey());
        }
        CliRun validate = CliRun.of(out, "validate", "--help");
        assertThat(validate.exitCode()).isZero();
        CliRun typo = CliRun.of(out, "valdate");
        assertThat(typo.exitCode()).isEqualTo(2);
        assertThat(typo.err()).contains("validate");
    }

    @Test
    void everyWarmUpBelongsToACommandAndRunsCleanly() throws Exception {
        // A run ignores a warm-up's failure (the step it prepares redoes the work), so a warm-up broken by a
        // library upgrade would only make starts slower, unnoticed: here it must complete.
        var names = MlshipCommand.SUBCOMMANDS.stream().map(java.util.Map.Entry::getKey).toList();
        assertThat(MlshipCommand.WARM_UPS).isNotEmpty();
        for (var warmUp : MlshipCommand.WARM_UPS.entrySet()) {
            assertThat(names).as("warm-up for '%s'", warmUp.getKey()).contains(warmUp.getKey());
            warmUp.getValue().run();
        }
    }

    @Test
    void versionAndHelpWork() {
        CliRun version = CliRun.of(out, "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("mlship ");
        CommandLine cli = MlshipCommand.commandLine(new CliContext());
        for (String command : cli.getSubcommands().keySet()) {
            if (command.equals("help")) {
                continue;
            }
            CliRun help = CliRun.of(out, command, "--help");
            assertThat(help.exitCode()).as("%s --help: %s", command, help.err()).isZero();
            assertThat(help.out()).contains("Usage: mlship " + command);
            if (cli.getSubcommands().get(command).getCommandSpec().findOption("--spec") != null) {
                assertThat(help.out()).contains("--spec").contains("--result-dir");
            }
        }
        CliRun top = CliRun.of(out, "--help");
        assertThat(top.out()).contains("Exit codes").contains("validate").contains("render");
    }

    @Test
    void unknownCommandIsBadInput() {
        CliRun run = CliRun.of(out, "valdate");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("validate");
    }
}
