package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mlship pr-check: the markdown from the step results given, the planned traffic from the example's spec. */
class PrCheckCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheCheckFromTheResultFilesAndTheSpec() throws Exception {
        Path repo = tmp.resolve("reco-service");
        SpecFixtures.copyTree(Path.of("examples/reco-service"), repo);
        Path validate = Files.writeString(tmp.resolve("validate.json"), "{\"valid\":true,\"environments\":[\"prod\"]}");
        Path deploy = Files.writeString(tmp.resolve("deploy.json"),
                "{\"objects\":[{\"kind\":\"Deployment\",\"name\":\"reco-service\",\"action\":\"create\"}]}");

        CliRun run = CliRun.of(tmp.resolve("out"), "pr-check", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "prod",
                "--validate-result", validate.toString(), "--deploy-result", deploy.toString(),
                "--result-dir", tmp.resolve("out").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.result("pr-check").path("conclusion").asText()).isEqualTo("success");
        String md = Files.readString(Path.of(run.result("pr-check").path("markdownFile").asText()));
        assertThat(md).startsWith("## mlship: reco-service against prod\n")
                .contains("+ Deployment reco-service (create)")
                .contains("- **Service** on `reco.internal.example.com`: canary 10% → 50% → 100%")
                .contains("gets 10% while its gate runs");
    }

    @Test
    void anUnreadableResultIsBadInputNamingTheOption() throws Exception {
        Path repo = tmp.resolve("reco-service");
        SpecFixtures.copyTree(Path.of("examples/reco-service"), repo);
        Path broken = Files.writeString(tmp.resolve("build.json"), "{not json");

        CliRun run = CliRun.of(tmp.resolve("out"), "pr-check", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                "--build-result", broken.toString(), "--result-dir", tmp.resolve("out").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.result("pr-check").path("errorDetails").path("message").asText()).startsWith("--build-result " + broken);
    }
}
