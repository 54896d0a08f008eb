package io.mlship.commits;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mlship commits against a real git repository: a main branch and a pull-request branch merged as Jenkins does. */
class CommitsCommandTest {
    @TempDir
    Path repo;
    @TempDir
    Path out;
    private int commits;

    @BeforeEach
    void mainBranch() throws Exception {
        git("init", "-q", "-b", "main");
        commit("chore: start");
        git("checkout", "-q", "-b", "pr");
    }

    @Test
    void conformingPullRequestPasses() throws Exception {
        commit("feat(api): rank by brand");
        commit("fix: keep the order stable");
        mergeIntoMainLikeJenkins();

        CliRun run = CliRun.of(out, "commits", "--repo", repo.toString(), "--from", "target", "--to", "HEAD", "--result-dir", out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = run.result("commits");
        assertThat(result.path("checked").asInt()).as("the merge commit is not counted").isEqualTo(2);
        assertThat(result.path("nonConforming")).isEmpty();
        assertThat(run.err()).contains("2 commits in target..HEAD follow Conventional Commits");
    }

    @Test
    void everyNonConformingSubjectIsListedWithAHint() throws Exception {
        commit("Update model");
        commit("feat: new ranker");
        commit("Fix: typo in README");

        CliRun run = CliRun.of(out, "commits", "--repo", repo.toString(), "--from", "main", "--result-dir", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode result = run.result("commits");
        List<String> subjects = new ArrayList<>();
        result.path("nonConforming").forEach(c -> subjects.add(c.path("subject").asText()));
        assertThat(subjects).containsExactly("Update model", "Fix: typo in README");
        assertThat(result.path("errorDetails").path("message").asText())
                .isEqualTo("2 of 3 commit subjects in main..HEAD do not follow Conventional Commits");
        assertThat(result.path("errorDetails").path("hint").asText()).contains("git rebase -i main");
        assertThat(run.err()).contains("'Update model': does not start with 'type: ' or 'type(scope): '")
                .contains("'Fix: typo in README': type 'Fix' is not one of");
    }

    @Test
    void aMissingTargetBranchIsBadInputWithTheFetchToDo() throws Exception {
        commit("feat: x");

        CliRun run = CliRun.of(out, "commits", "--repo", repo.toString(), "--from", "origin/main", "--result-dir", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("commits").path("errorDetails").path("message").asText()).startsWith("git log origin/main..HEAD failed:");
        assertThat(run.result("commits").path("errorDetails").path("hint").asText()).contains("git fetch");
    }

    @Test
    void optionLikeRevisionsAreRefused() {
        CliRun run = CliRun.of(out, "commits", "--repo", repo.toString(), "--from=--output=/tmp/x", "--result-dir", out.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("commits").path("errorDetails").path("message").asText()).contains("is not a git revision");
    }

    /** Jenkins builds a pull request on a merge of it into the target branch, whose tip is then 'target'. */
    private void mergeIntoMainLikeJenkins() throws Exception {
        git("checkout", "-q", "main");
        commit("docs: meanwhile on main");
        git("branch", "target");
        git("merge", "-q", "--no-ff", "--no-edit", "-m", "Merge commit 'abc' into HEAD", "pr");
    }

    private void commit(String subject) throws Exception {
        // One file per commit, so merging branches never conflicts.
        String name = "change-" + (++commits) + ".txt";
        Files.writeString(repo.resolve(name), subject + "\n", StandardCharsets.UTF_8);
        git("add", name);
        git("commit", "-q", "-m", subject);
    }

    private void git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString(), "-c", "user.name=Test", "-c", "user.email=test@example.com",
                "-c", "commit.gpgsign=false"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError("git is needed for these tests (Debian package git)", e);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("git %s finished", args[0]).isTrue();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("git %s: %s", String.join(" ", args), output).isZero();
    }
}
