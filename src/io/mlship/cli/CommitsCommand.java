package io.mlship.cli;

import io.mlship.commits.Commit;
import io.mlship.commits.ConventionalCommits;
import io.mlship.commits.GitLog;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "commits", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Check that commit subjects follow Conventional Commits.",
        description = "Checks the subject of every commit in FROM..TO (--from, --to) against "
                + "'type(scope)!: description'; merge commits are left out. Exit 0 when all conform, 2 listing every "
                + "subject that does not.")
final class CommitsCommand extends StepCommand {

    @Option(names = "--from", paramLabel = "REF", required = true,
            description = "Where the range starts (excluded), e.g. origin/main for a pull request into main.")
    String from;

    @Option(names = "--to", paramLabel = "REF", defaultValue = "HEAD", description = "Where it ends. Default: ${DEFAULT-VALUE}.")
    String to;

    @Option(names = "--repo", paramLabel = "DIR", defaultValue = ".", description = "The git checkout. Default: the current directory.")
    Path repo;

    @Option(names = "--types", paramLabel = "TYPE", split = ",",
            description = "Allowed types (default: feat, fix, docs, style, refactor, perf, test, build, ci, chore, revert).")
    List<String> types;

    @Option(names = "--git-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest wait for git log, in seconds. Default: ${DEFAULT-VALUE}.")
    int gitTimeoutSeconds;

    @Override
    String name() {
        return "commits";
    }

    @Override
    Path defaultResultDir() {
        return repo.resolve(".mlship").resolve("out");
    }

    @Override
    void execute(Map<String, Object> result) {
        ConventionalCommits rule = new ConventionalCommits(types == null || types.isEmpty() ? ConventionalCommits.DEFAULT_TYPES : types);
        List<Commit> commits = new GitLog(repo, Duration.ofSeconds(gitTimeoutSeconds)).range(from, to);
        List<Map<String, Object>> bad = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Commit c : commits) {
            Optional<String> why = rule.problem(c.subject());
            if (why.isPresent()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("sha", c.sha());
                entry.put("subject", c.subject());
                entry.put("problem", why.get());
                bad.add(entry);
                problems.add(Problem.error(c.shortSha(), null, 0, "'" + c.subject() + "': " + why.get(), null));
            }
        }
        result.put("range", from + ".." + to);
        result.put("checked", commits.size());
        result.put("nonConforming", bad);
        if (!bad.isEmpty()) {
            throw MlshipException.badInput(bad.size() + " of " + commits.size() + " commit subjects in " + from + ".." + to
                            + " do not follow Conventional Commits",
                    "write subjects as 'type(scope): description' with type one of " + String.join(", ", rule.types())
                            + ", e.g. 'fix(api): keep the top-k order stable'; reword with git rebase -i " + from
                            + " and push again", problems);
        }
        context().err().println("[mlship commits] " + commits.size() + " commit" + (commits.size() == 1 ? "" : "s")
                + " in " + from + ".." + to + " follow Conventional Commits");
    }
}
