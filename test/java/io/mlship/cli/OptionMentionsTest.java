package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every {@code --option} a message, hint, help text or doc names exists: mlship's options come from the real
 * command line (picocli's CommandSpec), other tools' from {@link OtherTools}.
 */
class OptionMentionsTest {

    @Test
    void everyOptionNamedInSourcesStepHelpAndDocsExists() throws IOException {
        OptionMentions mentions = new OptionMentions(MlshipCommand.commandLine(new CliContext()));
        List<Path> files = files();
        assertThat(files).as("sources found").hasSizeGreaterThan(100);
        List<String> wrong = files.stream().flatMap(f -> SourceTexts.of(f).stream())
                .flatMap(t -> mentions.check(t).stream()).map(OptionMentions.Wrong::toString).toList();

        assertThat(wrong).as("options named that do not exist (fix the text, or list another tool's option in "
                + "OtherTools)").isEmpty();
    }

    @Test
    void aTextMayNameOnlyTheOptionsOfWhatItIsAbout() {
        OptionMentions mentions = new OptionMentions(MlshipCommand.commandLine(new CliContext()));

        assertThat(wrong(mentions, "src/io/mlship/model/Planner.java", "no value for {version}: pass --version"))
                .as("--version prints the CLI's version: no command takes it as an input").containsExactly("--version");
        assertThat(wrong(mentions, "src/io/mlship/model/Planner.java", "pass --model-version or --artifacts")).isEmpty();
        assertThat(wrong(mentions, "src/io/mlship/cli/RenderCommand.java", "use --shift")).as("render has no --shift")
                .containsExactly("--shift");
        assertThat(wrong(mentions, "src/io/mlship/cli/RenderCommand.java", "then mlship promote --env prod --shift")).isEmpty();
        assertThat(wrong(mentions, "docs/X.md", "mlship --version; mlship render --spec s.yaml --env e")).isEmpty();
        assertThat(wrong(mentions, "docs/X.md", "kubectl rollout status deploy/x --timeout=60s")).isEmpty();
        assertThat(wrong(mentions, "docs/X.md", "kubectl get pods --watch-only")).as("not in OtherTools' list for kubectl")
                .containsExactly("--watch-only");
        assertThat(wrong(mentions, "docs/X.md", "install the wheels with --no-index")).as("pip not named").containsExactly("--no-index");
    }

    private static List<String> wrong(OptionMentions mentions, String file, String text) {
        return mentions.check(new SourceTexts.Text(Path.of(file), 1, text)).stream().map(OptionMentions.Wrong::option).toList();
    }

    @Test
    void textsAreTheLiteralsOfOneStatementAndNeverComments(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path source = Files.writeString(dir.resolve("A.groovy"), """
                // a comment naming --nothing
                def a = "one " +
                        'two' /* --nothing either */
                sh "kubectl apply ${args.join(' ')} --server-side"
                def b = \"\"\"three\"\"\" ; def c = "four"
                """);

        assertThat(SourceTexts.of(source)).extracting(SourceTexts.Text::text)
                .containsExactly("one  two", "kubectl apply ${…} --server-side", "three", "four");
    }

    private static List<Path> files() throws IOException {
        List<Path> all = new java.util.ArrayList<>();
        for (String root : List.of("src", "vars", "docs")) {
            try (Stream<Path> walk = Files.walk(Path.of(root))) {
                walk.filter(p -> p.toString().matches(".*\\.(java|groovy|txt|md)")).sorted().forEach(all::add);
            }
        }
        try (Stream<Path> walk = Files.walk(Path.of("examples"))) {
            walk.filter(p -> p.getFileName().toString().matches("Jenkinsfile.*|.*\\.md")).sorted().forEach(all::add);
        }
        all.add(Path.of("bin/example-release")); // the script the README's walk-through runs
        all.add(Path.of("README.md"));
        return all;
    }
}
