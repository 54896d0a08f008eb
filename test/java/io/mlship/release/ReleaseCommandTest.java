package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.cli.CliRun;
import io.mlship.spec.SpecFixtures;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What mlship release refuses before its first remote call, each with the option named and a fix. */
class ReleaseCommandTest {
    @TempDir
    Path tmp;
    Path repo;

    @BeforeEach
    void copyExample() throws Exception {
        repo = tmp.resolve("reco-service");
        SpecFixtures.copyTree(Path.of("examples/reco-service"), repo);
        ReleaseSandboxTest.deleteTree(repo.resolve(".mlship"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--lock=maybe | --lock 'maybe' is not lease or none | a Jenkins build that holds its own lock",
        "--image-digest=latest | --image-digest 'latest' is not a sha256 digest | 64 lower-case hex",
        "--canary=101 | --canary 101 is not a percentage | 0-100",
        "--lock-timeout=soon | --lock-timeout 'soon' is not a duration | 30s, 5m or 1h",
        "--skip-build=true | no image to release | --image-digest",
        "--timeout=forever | --timeout 'forever' is not a duration | 30s, 5m or 1h",
    })
    void refusedBeforeAnythingRemote(String option, String message, String hint) throws Exception {
        List<String> args = new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--sandbox", tmp.resolve("no-sandbox-here").toString(), "--result-dir", tmp.resolve("out").toString()));
        args.add(option);

        CliRun run = CliRun.of(tmp.resolve("out"), args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        String error = run.result("release").path("errorDetails").toString();
        assertThat(error).contains(message).contains(hint);
        assertThat(tmp.resolve("out/release")).as("no stage ran").doesNotExist();
        assertThat(Files.exists(repo.resolve(".mlship/promote-staging.json"))).isFalse();
    }

    @Test
    void lockNoneIsRefusedOutsideJenkins() {
        CliRun run = CliRun.of(tmp.resolve("out"), Map.of("HOME", tmp.toString()), OutputStream.nullOutputStream(),
                "release", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--sandbox", tmp.resolve("no-sandbox-here").toString(), "--result-dir", tmp.resolve("out").toString(),
                "--lock", "none");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.result("release").path("errorDetails").toString())
                .contains("--lock none is only for a Jenkins build that holds a lock of its own")
                .contains("leave --lock out: the release takes the Kubernetes Lease");
        assertThat(tmp.resolve("out/release")).as("no stage ran").doesNotExist();
    }

    @ParameterizedTest(name = "skipping {0} and {1}")
    @CsvSource({"--skip-service=true, --skip-model=true"})
    void nothingLeftToReleaseIsBadInput(String a, String b) {
        CliRun run = CliRun.of(tmp.resolve("out"), "release", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--result-dir", tmp.resolve("out").toString(), a, b);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("release").path("errorDetails").path("message").asText()).contains("nothing to release");
    }
    static final String APPROVED = "sha256:abababababababababababababababababababababababababababababababab";
    static final String OTHER = "sha256:cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd";

    /** mlship release --env staging on a sandbox that is not there: whatever is refused is refused before any call. */
    CliRun releaseStaging(String... extra) {
        List<String> args = new ArrayList<>(List.of("release", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--sandbox", tmp.resolve("no-sandbox-here").toString(), "--result-dir", tmp.resolve("out").toString()));
        args.addAll(List.of(extra));
        return CliRun.of(tmp.resolve("out"), args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "another image | " + OTHER + " | v2 | image: approved " + APPROVED + ", releasing " + OTHER,
        "another model version | " + APPROVED + " | v3 | model version: approved v2, releasing v3",
    })
    void aReleaseOfAnythingButWhatWasApprovedIsRefusedBeforeAnythingChanges(String what, String digest, String version,
                                                                            String difference) {
        CliRun run = releaseStaging("--image-digest", digest, "--model-version", version, "--approved-by", "bob",
                "--approval-reason", "ranking fix", "--approved-image-digest", APPROVED, "--approved-model-version", "v2");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.result("release").path("errorDetails").path("message").asText())
                .isEqualTo("refused: this release is not what bob approved (" + difference + "); nothing was changed");
        assertThat(tmp.resolve("out/release")).as("no stage ran").doesNotExist();
        assertThat(Files.exists(repo.resolve(".mlship/promote-staging.json"))).isFalse();
    }

    @Test
    void anApprovalOfAnImageIsRefusedForAReleaseThatBuildsOne() {
        CliRun run = releaseStaging("--model-version", "v2", "--approved-by", "bob", "--approved-image-digest", APPROVED,
                "--approved-model-version", "v2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("release").path("errorDetails").toString())
                .contains("the approval names image " + APPROVED + ", but this release builds a new image")
                .contains("--image-digest " + APPROVED);
    }

    @Test
    void whatWasApprovedNeedsWhoApproved() {
        CliRun run = releaseStaging("--image-digest", APPROVED, "--model-version", "v2", "--approved-image-digest", APPROVED);

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("release").path("errorDetails").toString()).contains("need --approved-by").contains("--approved-by alice");
    }

    @Test
    void resolveOnlySaysWhatWouldBeReleasedAndChangesNothing() {
        CliRun given = releaseStaging("--image-digest", APPROVED, "--model-version", "v2", "--resolve-only");

        assertThat(given.exitCode()).as(given.err()).isZero();
        assertThat(given.result("release").path("resolved").toString())
                .isEqualTo("{\"imageDigest\":\"" + APPROVED + "\",\"buildsImage\":false,\"modelVersion\":\"v2\",\"passedIn\":null}");
        assertThat(tmp.resolve("out/release")).as("no stage ran").doesNotExist();

        CliRun builds = releaseStaging("--skip-model", "--resolve-only");
        assertThat(builds.result("release").path("resolved").path("buildsImage").asBoolean()).isTrue();
        assertThat(builds.result("release").path("resolved").path("modelVersion").isNull()).isTrue();
    }
}
