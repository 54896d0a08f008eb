package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import io.mlship.sandbox.RuntimeKind;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.sandbox.container.Podman;
import io.mlship.sandbox.container.PythonBaseImage;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release on the sandbox with the podman runtime: the image just built (on the sandbox's offline Python base)
 * runs as a container in the simulated cluster, and the gate's requests are answered by that container. Needs
 * the Debian packages podman and runc (bin/setup installs them); without them this test fails saying so.
 */
class ReleasePodmanTest {
    @TempDir
    Path tmp;

    @Test
    void theBuiltImageAnswersTheGateFromItsContainer() throws Exception {
        assertThat(Podman.installed()).as("the podman runtime needs the Debian packages '" + Podman.PACKAGES
                + "': run bin/setup (it installs bin/packages/sandbox.txt)").isTrue();
        // The same cache folder as the container tests: the base image is made once per build directory.
        Path base = new PythonBaseImage(Path.of("target", "container-test", "base-cache").toAbsolutePath(), System.err)
                .ensure().archive();
        Path repo = tmp.resolve("reco-service");
        SpecFixtures.copyTree(Path.of("examples/reco-service"), repo);
        ReleaseSandboxTest.deleteTree(repo.resolve(".mlship"));
        Path state = tmp.resolve("sandbox");
        try (Sandbox sandbox = Sandbox.start(new SandboxStateDir(state), RuntimeKind.PODMAN)) {
            sandbox.publish();
            Path out = tmp.resolve("out");

            CliRun run = CliRun.of(out, "release", "--spec", repo.resolve("mlship.yaml").toString(), "--env", "staging",
                    "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--skip-model", "--base-image", base.toString(),
                    "--git-sha", "0123456789abcdef", "--result-dir", out.toString());

            assertThat(run.exitCode()).as(run.err()).isZero();
            JsonNode result = run.result("release");
            assertThat(result.path("releaseStatus").asText()).isEqualTo("released");
            JsonNode gate = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(out.resolve("release/gate-service/smoke.json").toFile());
            assertThat(gate.path("verdict").asText()).isEqualTo("passed");
            assertThat(gate.path("cases").path("failed").asInt()).isZero();
            // What answered the gate is the container podman runs, not a server process of this JVM.
            assertThat(ProcessHandle.current().descendants()
                    .map(p -> p.info().command().orElse("")).filter(c -> c.endsWith("python3")).toList())
                    .as("no python3 child of this JVM").isEmpty();
            assertThat(run.err()).contains("[mlship smoke] verdict: passed");
        }
    }
}
