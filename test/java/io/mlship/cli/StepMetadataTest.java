package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Step metadata ({@code resources/io/mlship/steps/<step>.json}) is what the Groovy runner checks a step's
 * arguments against; every parameter it passes on must be a real option of the CLI command, with the same
 * required-ness and default, or a step call would fail only on an agent.
 */
class StepMetadataTest {
    private static final Path STEPS = Path.of("resources/io/mlship/steps");

    static Stream<Path> steps() throws IOException {
        try (Stream<Path> files = Files.list(STEPS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void everyCliParameterIsARealOption(Path file) throws IOException {
        JsonNode step = new ObjectMapper().readTree(file.toFile());
        String name = file.getFileName().toString().replace(".json", "");
        assertThat(step.path("name").asText()).isEqualTo(name);
        assertThat(Path.of("vars", name + ".groovy")).exists();
        assertThat(Path.of("vars", name + ".txt")).exists();

        if ("pipeline".equals(step.path("kind").asText())) {
            return; // mlPipeline runs the other steps; it has no command of its own
        }
        CommandLine cli = MlshipCommand.commandLine(new CliContext());
        CommandLine command = cli.getSubcommands().get(step.path("command").asText());
        assertThat(command).as("CLI command '%s' of %s", step.path("command").asText(), name).isNotNull();
        for (JsonNode param : step.path("params")) {
            if (!param.path("cli").asBoolean()) {
                continue;
            }
            String option = "--" + ParamsFile.kebab(param.path("name").asText());
            OptionSpec spec = command.getCommandSpec().findOption(option);
            assertThat(spec).as("%s: parameter '%s' has no CLI option %s", name, param.path("name").asText(), option).isNotNull();
            // A step may demand more than the CLI (mlRender wants a digest; the CLI also renders previews), never less.
            if (spec.required()) {
                assertThat(param.path("required").asBoolean(false)).as("%s: %s is required by the CLI", name, option).isTrue();
            }
            if (param.has("default") && spec.defaultValue() != null) {
                assertThat(spec.defaultValue()).as("%s: default of %s", name, option).isEqualTo(param.path("default").asText());
            }
        }
    }
}
