package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTagsTest {

    @Test
    void branchNamesBecomeValidReadableTags() {
        assertThat(ImageTags.branchTag("main")).isEqualTo("branch-main");
        assertThat(ImageTags.branchTag("feature/Ranker v2")).isEqualTo("branch-feature-ranker-v2");
        assertThat(ImageTags.branchTag("--weird//name..")).isEqualTo("branch-weird-name");
        assertThat(ImageTags.branchTag("x".repeat(300))).hasSize(128).matches("[a-z0-9_.-]+");
    }

    @Test
    void tagsAreShaBranchAndVersionInThatOrder() {
        assertThat(ImageTags.of("ABCDEF1", "release/1.4", "1.4.0+build.7"))
                .containsExactly("abcdef1", "branch-release-1.4", "1.4.0_build.7");
        assertThat(ImageTags.of(null, null, null)).isEmpty();
    }

    @Test
    void aBadShaOrVersionIsBadInput() {
        assertThatThrownBy(() -> ImageTags.of("not-a-sha", null, null))
                .isInstanceOfSatisfying(MlshipException.class, e -> assertThat(e.category()).isEqualTo(ErrorCategory.BAD_INPUT));
        assertThatThrownBy(() -> ImageTags.of(null, null, "1.4")).hasMessageContaining("not a semantic version");
    }

    @Test
    void remoteUrlsLoseTheirCredentialsBeforeTheyBecomeALabel() {
        assertThat(GitInfo.withoutCredentials("https://jenkins:ghp_secret@github.example.com/ds/reco.git"))
                .isEqualTo("https://github.example.com/ds/reco.git");
        assertThat(GitInfo.withoutCredentials("git@github.example.com:ds/reco.git")).isEqualTo("git@github.example.com:ds/reco.git");
    }

    @Test
    void gitInfoComesFromTheCheckoutUnlessGiven(@TempDir Path repo) throws Exception {
        oneCommit(repo, "feature/x", "https://git.example.com/ds/a.git");

        GitInfo read = GitInfo.start(repo, null, null, null);
        assertThat(read.sha()).matches("[0-9a-f]{40}");
        assertThat(read.branch()).isEqualTo("feature/x");
        assertThat(read.sourceRepo()).isEqualTo("https://git.example.com/ds/a.git");

        GitInfo given = GitInfo.start(repo, "abc1234", "main", "https://other.example.com/r.git");
        assertThat(List.of(given.sha(), given.branch(), given.sourceRepo()))
                .containsExactly("abc1234", "main", "https://other.example.com/r.git");
        assertThat(GitInfo.start(repo.resolve("no-such-dir"), null, null, null).sha()).isNull();
    }

    @Test
    void gitIsReadWhileTheBuildGoesOnAndADetachedCheckoutHasNoBranch(@TempDir Path repo) throws Exception {
        oneCommit(repo, "main", "https://jenkins:token@git.example.com/ds/a.git");
        git(repo, "checkout", "-q", "--detach");

        // As Jenkins calls it: commit given, branch and remote left to git, collected in any order.
        GitInfo reading = GitInfo.start(repo, "abc1234", null, null);
        assertThat(reading.sourceRepo()).isEqualTo("https://git.example.com/ds/a.git");
        assertThat(reading.sha()).isEqualTo("abc1234");
        assertThat(reading.branch()).isNull();
        assertThat(reading.branch()).as("asked twice, the same answer").isNull();
        // "HEAD" as a branch the caller gives is the caller's choice; only git's own "HEAD" means detached.
        assertThat(GitInfo.start(repo, null, "HEAD", null).branch()).isEqualTo("HEAD");
    }

    /** A repository with one commit on {@code branch} and {@code remote} as origin. */
    private static void oneCommit(Path repo, String branch, String remote) throws Exception {
        git(repo, "init", "-q", "-b", branch);
        Files.writeString(repo.resolve("a.txt"), "a");
        git(repo, "add", "a.txt");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "a");
        git(repo, "remote", "add", "origin", remote);
    }

    private static void git(Path repo, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
    }
}
