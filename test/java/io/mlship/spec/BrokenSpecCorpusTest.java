package io.mlship.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file in {@code test/resources/specs/broken/} is a spec with one thing wrong. Its header says which
 * field must be named ({@code # path:}), what the message must say and, optionally, the hint; a
 * {@code # <-- here} marker gives the line the problem must point at. Each must exit 2 through the CLI.
 */
class BrokenSpecCorpusTest {
    private static final java.util.regex.Pattern HEADER =
            java.util.regex.Pattern.compile("# (case|path|message|hint|symlink):(.*)");
    private static final Path CORPUS = SpecFixtures.ROOT.resolve("broken");

    static Stream<Path> cases() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void corpusIsLargeEnoughToMean_something() throws IOException {
        assertThat(cases().count()).isGreaterThanOrEqualTo(25);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void brokenSpecExitsTwoNamingItsField(Path specFile, @TempDir Path tmp) throws IOException {
        String text = Files.readString(specFile);
        Map<String, String> expect = header(text);
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        for (String link : symlinks(text)) {
            String[] parts = link.split("\\s*->\\s*");
            Path at = repo.resolve(parts[0]);
            Files.createDirectories(at.getParent());
            Files.createSymbolicLink(at, Path.of(parts[1]));
        }
        Path spec = SpecFixtures.write(repo, "mlship.yaml", text);
        Path results = tmp.resolve("out");

        CliRun run = CliRun.of(results, "validate", "--spec", spec.toString(), "--result-dir", results.toString());

        assertThat(run.exitCode()).as("exit code; stderr:\n%s", run.err()).isEqualTo(2);
        JsonNode result = run.result("validate");
        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.path("errorDetails").path("category").asText()).isEqualTo("badInput");
        List<JsonNode> problems = new ArrayList<>();
        result.path("errorDetails").path("problems").forEach(problems::add);
        String wantedPath = expect.get("path");
        List<JsonNode> matching = problems.stream()
                .filter(p -> p.path("path").asText().equals(wantedPath))
                .filter(p -> p.path("message").asText().contains(expect.get("message")))
                .toList();
        assertThat(matching).as("a problem at '%s' saying '%s' among %s", wantedPath, expect.get("message"), problems)
                .isNotEmpty();
        JsonNode problem = matching.get(0);
        if (expect.containsKey("hint")) {
            assertThat(problem.path("hint").asText()).contains(expect.get("hint"));
        }
        int marker = markerLine(text);
        if (marker > 0) {
            assertThat(problem.path("line").asInt()).as("line of %s", wantedPath).isEqualTo(marker);
        }
        // The console names the field too, for the person reading the Jenkins log.
        assertThat(run.err()).contains(wantedPath.isEmpty() ? expect.get("message") : wantedPath);
    }

    private static Map<String, String> header(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            java.util.regex.Matcher m = HEADER.matcher(line);
            if (!m.matches()) {
                break;
            }
            out.put(m.group(1), m.group(2).trim());
        }
        assertThat(out).containsKeys("case", "path", "message");
        return out;
    }

    private static List<String> symlinks(String text) {
        return text.lines().filter(l -> l.startsWith("# symlink:")).map(l -> l.substring("# symlink:".length()).trim()).toList();
    }

    private static int markerLine(String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("# <-- here")) {
                return i + 1;
            }
        }
        return 0;
    }
}
