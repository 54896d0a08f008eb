package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.cli.CliRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build once: builds of one checkout in different CI builds (another build URL, build number, approver) give one
 * digest, so a later environment can release exactly the image an earlier one's gate judged. The build URL is
 * kept in the build's result instead.
 */
class StableDigestTest {
    @TempDir
    Path tmp;

    private static List<String> args(Path repo, String out) {
        return new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--cache-dir", repo.resolve(".cache").toString(), "--result-dir", repo.resolve(out).toString(),
                "--base-image", "scratch", "--git-sha", TestImages.SHA, "--git-branch", "main", "--push=false"));
    }

    @Test
    void twoBuildsWithDifferentBuildUrlsGiveOneDigest() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("checkout"));

        List<String> first = args(repo, "out-41");
        first.addAll(List.of("--build-url", "https://jenkins.example.com/job/reco/41/"));
        CliRun one = CliRun.of(repo.resolve("out-41"), first.toArray(String[]::new));
        List<String> second = args(repo, "out-42");
        second.addAll(List.of("--build-url", "https://jenkins.example.com/job/reco/42/"));
        CliRun two = CliRun.of(repo.resolve("out-42"), second.toArray(String[]::new));

        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(two.exitCode()).as(two.err()).isZero();
        assertThat(two.result("build").path("digest").asText()).isEqualTo(one.result("build").path("digest").asText());
        assertThat(one.result("build").path("buildUrl").asText()).isEqualTo("https://jenkins.example.com/job/reco/41/");
        assertThat(two.result("build").path("buildUrl").asText()).isEqualTo("https://jenkins.example.com/job/reco/42/");
        assertThat(one.result("build").path("labels").toString()).doesNotContain("jenkins.example.com");
    }

    /** As on a Jenkins agent: no option given, the build's facts in the environment the CLI starts with. */
    @Test
    void twoCiBuildsOfOneCheckoutGiveOneDigest() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("agent"));

        JsonNode one = buildInCi(repo, "out-41", "41", "alice");
        JsonNode two = buildInCi(repo, "out-42", "42", "bob");

        assertThat(two.path("digest").asText()).startsWith("sha256:").isEqualTo(one.path("digest").asText());
        assertThat(two.path("layers")).isEqualTo(one.path("layers"));
        assertThat(one.path("buildUrl").asText()).isEqualTo("https://ci.example.com/job/reco/41/");
        assertThat(two.path("buildUrl").asText()).isEqualTo("https://ci.example.com/job/reco/42/");
    }

    /** {@code mlship build} in a process of its own, with BUILD_URL, BUILD_NUMBER and the approver set as CI sets them. */
    private JsonNode buildInCi(Path repo, String out, String number, String approver) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), "io.mlship.cli.Main"));
        cmd.addAll(args(repo, out));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("BUILD_URL", "https://ci.example.com/job/reco/" + number + "/");
        env.put("BUILD_NUMBER", number);
        env.put("BUILD_TAG", "jenkins-reco-" + number);
        env.put("BUILD_USER_ID", approver);
        Process p = pb.start();
        String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(console).isZero();
        return new ObjectMapper().readTree(repo.resolve(out).resolve("build.json").toFile());
    }
}
