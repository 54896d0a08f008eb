package io.mlship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.check.PlannedTraffic;
import io.mlship.check.PullRequestCheck;
import io.mlship.result.MlshipException;
import io.mlship.spec.EnvironmentView;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "pr-check", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Write a pull request's check as markdown from its step results.",
        description = "Composes the check from the results of validate, build, the dry-run deploy and promote "
                + "--check-only: the spec's validity, the image digest, the manifest diff against the environment, the "
                + "planned traffic and the model's metrics against prod. Nothing remote is contacted.")
final class PrCheckCommand extends SpecCommand {

    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment the pull request was checked against.")
    String env;

    @Option(names = "--validate-result", paramLabel = "FILE", description = "mlship validate's result (validate.json).")
    Path validateResult;

    @Option(names = "--build-result", paramLabel = "FILE", description = "mlship build's result (build.json), when an image was built.")
    Path buildResult;

    @Option(names = "--deploy-result", paramLabel = "FILE", description = "mlship deploy --dry-run's result (deploy.json), when it ran.")
    Path deployResult;

    @Option(names = "--promote-result", paramLabel = "FILE", description = "mlship promote --check-only's result (promote.json), when it ran.")
    Path promoteResult;

    @Option(names = "--output", paramLabel = "FILE.md", description = "Where to write the markdown. Default: pr-check.md beside the result.")
    Path output;

    @Override
    String name() {
        return "pr-check";
    }

    @Override
    void execute(Map<String, Object> result) throws IOException {
        EnvironmentView environment = EnvironmentView.of(specOptions.load(context().specLoader()), env);
        PullRequestCheck check = new PullRequestCheck(environment.service(), env, read(validateResult, "--validate-result"),
                read(buildResult, "--build-result"), read(deployResult, "--deploy-result"), read(promoteResult, "--promote-result"),
                PlannedTraffic.of(environment));
        Path file = output != null ? output : resultDirectory().resolve("pr-check.md");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, check.markdown(), StandardCharsets.UTF_8);
        result.put("environment", env);
        result.put("title", check.title());
        result.put("summary", check.summary());
        result.put("conclusion", check.conclusion());
        result.put("markdownFile", file.toString());
    }

    private JsonNode read(Path file, String option) {
        if (file == null) {
            return null;
        }
        try {
            return context().json().readTree(file.toFile());
        } catch (IOException e) {
            throw MlshipException.badInput(option + " " + file + " cannot be read as a result file: " + e.getMessage(),
                    "pass the <command>.json a step wrote, or leave " + option + " out when that step did not run");
        }
    }
}
