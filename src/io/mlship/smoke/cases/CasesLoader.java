package io.mlship.smoke.cases;

import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a cases file — YAML (a list of cases) or JSON Lines (one case per line) — and checks every case
 * before anything is sent: unknown keys, bad JSONPaths and regular expressions, impossible checks. All
 * problems are reported at once, each with the file and line, as a bad-input error (exit 2).
 */
public final class CasesLoader {
    private static final int MAX_BYTES = 4 * 1024 * 1024;

    private final CaseTrees trees = new CaseTrees();
    private final ExpectationParser expectations = new ExpectationParser();

    public List<SmokeCase> load(Path file) {
        String name = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw MlshipException.badInput("cases file " + name + " does not exist",
                    "check smoke.cases in the spec or --cases (paths are relative to the spec's folder)");
        } catch (IOException e) {
            throw MlshipException.badInput("cannot read cases file " + name + ": " + e.getMessage(), "check the file's permissions");
        }
        return load(name, bytes);
    }

    /** Checks and reads the cases in {@code bytes}; {@code name} (its file name) decides the format and locates problems. */
    public List<SmokeCase> load(String name, byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw MlshipException.badInput("cases file " + name + " is larger than 4 MiB", "smoke cases are a handful of requests, not a data set");
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        String lower = name.toLowerCase(Locale.ROOT);
        List<Problem> problems = new ArrayList<>();
        CaseParser parser = new CaseParser(expectations, problems);
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            trees.readJsonLines(name, text, problems, parser::parse);
        } else if (lower.endsWith(".yaml") || lower.endsWith(".yml") || lower.endsWith(".json")) {
            trees.readYaml(name, text, problems, parser::parse);
        } else {
            throw MlshipException.badInput("cases file " + name + " is neither YAML nor JSON Lines",
                    "name it *.yaml / *.yml (a list of cases) or *.jsonl (one case per line)");
        }
        List<SmokeCase> cases = parser.cases();
        if (problems.isEmpty() && cases.isEmpty()) {
            problems.add(Problem.error(null, name, 1, "no cases", "add at least one case: name, request, expect"));
        }
        if (!problems.isEmpty()) {
            int n = problems.size();
            throw MlshipException.badInput("cases file " + name + " has " + n + " problem" + (n == 1 ? "" : "s"),
                    "fix them; nothing was sent to the target", problems);
        }
        return cases;
    }
}
