package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mlship build without a registry: tar output for pull requests, reproducible layers, and bad input. */
class BuildTarTest {
    @TempDir
    Path tmp;

    private CliRun build(Path repo, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--cache-dir", repo.resolve(".cache").toString(), "--result-dir", repo.resolve("out").toString()));
        args.addAll(List.of(extra));
        return CliRun.of(repo.resolve("out"), args.toArray(String[]::new));
    }

    @Test
    void theExampleBuildsOfflineToATarWithoutPushing() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("reco"));
        Path tar = tmp.resolve("image.tar");

        CliRun run = build(repo, "--tar", tar.toString(), "--base-image", "scratch", "--env", "prod",
                "--git-sha", TestImages.SHA, "--git-branch", "PR-42");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode result = run.result("build");
        assertThat(result.path("digest").asText()).matches("sha256:[0-9a-f]{64}");
        assertThat(result.path("image").asText()).isEqualTo("europe-west4-docker.pkg.dev/ds-artifacts/ds-images/reco-service");
        assertThat(result.path("pushed").asBoolean()).isFalse();
        assertThat(result.path("tarFile").asText()).isEqualTo(tar.toString());
        assertThat(result.path("tags").toString()).isEqualTo("[\"" + TestImages.SHA + "\",\"branch-pr-42\"]");
        // The example's image carries the ranker it ships with (image.model) beside its code.
        assertThat(result.path("layers").findValuesAsText("name")).containsExactly("model", "app");
        assertThat(result.path("layers").findValuesAsText("pushed")).containsOnly("false");
        assertThat(result.path("bytesUploaded").asLong()).isZero();
        assertThat(Files.size(tar)).isPositive();
        assertThat(run.err()).contains("requirements.txt lists no packages").contains("[build] layer app: building");
    }

    @Test
    void layersHaveFixedTimesAndExplicitModesAndExecutablesKeepTheirBit() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("modes"), "  model: training-output/reco-ranker/v2\n",
                "  model: training-output/reco-ranker/v1\n"
                        + "  extraFiles:\n    - from: training/train.py\n      to: /app/bin/train.py\n");
        Path server = repo.resolve("src/reco/server.py");
        Files.setPosixFilePermissions(server, PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(repo.resolve("training/train.py"), PosixFilePermissions.fromString("rwx------"));
        Files.createDirectories(repo.resolve("src/reco/__pycache__"));
        Files.writeString(repo.resolve("src/reco/__pycache__/server.cpython-311.pyc"), "bytecode");
        Path tar = tmp.resolve("modes.tar");

        CliRun run = build(repo, "--tar", tar.toString(), "--base-image", "scratch", "--git-sha", TestImages.SHA);

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode layers = run.result("build").path("layers");
        assertThat(layers.findValuesAsText("name")).containsExactly("model", "app");
        Map<String, long[]> app = TestImages.layerEntries(tar, layers.get(1).path("digest").asText());
        assertThat(app.get("app/src/reco/server.py")).containsExactly(0644, 1);
        assertThat(app.get("app/bin/train.py")).containsExactly(0755, 1);
        assertThat(app.get("app/src/reco/")).containsExactly(0755, 1);
        assertThat(app.keySet()).noneMatch(name -> name.contains("__pycache__"));
        Map<String, long[]> model = TestImages.layerEntries(tar, layers.get(0).path("digest").asText());
        assertThat(model.keySet()).anyMatch(name -> name.startsWith("opt/model/"));
    }

    @Test
    void twoCopiesBuildTheSameTarDigestAndALabelChangesIt() throws Exception {
        String[] args = {"--base-image", "scratch", "--git-sha", TestImages.SHA, "--push=false"};
        JsonNode one = build(TestImages.copyExample(tmp.resolve("a")), args).result("build");
        JsonNode two = build(TestImages.copyExample(tmp.resolve("b")), args).result("build");
        JsonNode other = build(TestImages.copyExample(tmp.resolve("c")), "--base-image", "scratch", "--git-sha",
                TestImages.SHA, "--push=false", "--version-tag", "1.4.0").result("build");

        assertThat(one.path("digest").asText()).isEqualTo(two.path("digest").asText());
        assertThat(one.path("tarFile").asText()).endsWith("image.tar");
        assertThat(other.path("digest").asText()).isNotEqualTo(one.path("digest").asText());
        assertThat(other.path("layers").get(0).path("digest")).isEqualTo(one.path("layers").get(0).path("digest"));
    }

    @Test
    void wheelsAreInstalledOfflineIntoTheDependencyLayer() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("wheels"), "requirements: requirements.txt",
                "requirements: requirements.txt\n    wheels: wheels\n    version: \"3.11\"");
        Files.writeString(repo.resolve("requirements.txt"), "# pinned, from the team's wheel folder\ntinydep==1.0\n");
        tinyWheel(Files.createDirectories(repo.resolve("wheels")));
        Path tar = tmp.resolve("wheels.tar");

        CliRun run = build(repo, "--tar", tar.toString(), "--base-image", "scratch", "--git-sha", TestImages.SHA);

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode layers = run.result("build").path("layers");
        assertThat(layers.findValuesAsText("name")).containsExactly("python-deps", "model", "app");
        Map<String, long[]> deps = TestImages.layerEntries(tar, layers.get(0).path("digest").asText());
        assertThat(deps).containsKey("opt/python-deps/tinydep/__init__.py");
        assertThat(run.err()).contains("offline, wheels from wheels");
    }

    @Test
    void aMissingRequirementsFileIsBadInputBeforeAnythingRuns() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("missing"), "requirements: requirements.txt", "requirements: requirements-prod.txt");

        CliRun run = build(repo, "--tar", tmp.resolve("x.tar").toString(), "--base-image", "scratch");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("image.python.requirements").contains("'requirements-prod.txt' does not exist");
        assertThat(tmp.resolve("x.tar")).doesNotExist();
    }

    @Test
    void aSymlinkOutOfTheRepositoryIsBadInput() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("link"));
        Path secret = Files.writeString(tmp.resolve("agent-secret.txt"), "token");
        Files.createSymbolicLink(repo.resolve("src/reco/settings.txt"), secret);

        CliRun run = build(repo, "--tar", tmp.resolve("x.tar").toString(), "--base-image", "scratch");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("image.app").contains("a symlink to a place outside the repository");
    }

    @Test
    void anOciLayoutBaseIsRejectedWithTheConversionCommand() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("oci"));
        Path oci = tmp.resolve("base-oci.tar");
        try (OutputStream os = Files.newOutputStream(oci);
             var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(os)) {
            byte[] index = "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8);
            var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("index.json");
            e.setSize(index.length);
            tar.putArchiveEntry(e);
            tar.write(index);
            tar.closeArchiveEntry();
        }

        CliRun run = build(repo, "--tar", tmp.resolve("x.tar").toString(), "--base-image", oci.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("is an OCI layout; Jib reads docker-archive tars only").contains("skopeo copy oci-archive:");
    }

    @Test
    void requirementsWithoutPipIsBadInputNamingThePackage() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("nopip"), "requirements: requirements.txt",
                "requirements: requirements.txt\n    version: \"3.12\"");
        Files.writeString(repo.resolve("requirements.txt"), "numpy==1.26.4\n");

        CliRun run = build(repo, "--tar", tmp.resolve("x.tar").toString(), "--base-image", "scratch",
                "--python", tmp.resolve("no-such-python3").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("needs pip").contains("python3-pip").contains("--python");
    }

    @Test
    void anUnreachableRegistryIsAnInfrastructureErrorAndNothingIsReportedAsBuilt() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("down"));
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }

        CliRun run = build(repo, "--base-image", "scratch", "--registry", "127.0.0.1:" + closedPort,
                "--allow-insecure-registry", "--git-sha", TestImages.SHA);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err()).contains("cannot reach the registry");
        JsonNode result = run.result("build");
        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.path("pushed").asBoolean()).isFalse();
        assertThat(result.has("digest")).isFalse();
    }

    @Test
    void pushingNeedsACommitAndAPlainHttpRegistryNeedsTheFlag() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("nogit"));

        CliRun noSha = build(repo, "--base-image", "scratch");
        assertThat(noSha.exitCode()).isEqualTo(2);
        assertThat(noSha.err()).contains("no git commit is known").contains("--git-sha");

        CliRun badSemver = build(repo, "--base-image", "scratch", "--git-sha", TestImages.SHA, "--version-tag", "v1.2");
        assertThat(badSemver.exitCode()).isEqualTo(2);
        assertThat(badSemver.err()).contains("'v1.2' is not a semantic version");
    }

    /** A minimal wheel, written by hand (a zip with the package and its dist-info). */
    private static void tinyWheel(Path dir) throws IOException {
        Path wheel = dir.resolve("tinydep-1.0-py3-none-any.whl");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(wheel))) {
            entry(zip, "tinydep/__init__.py", "VERSION = '1.0'\n");
            entry(zip, "tinydep-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: tinydep\nVersion: 1.0\n");
            entry(zip, "tinydep-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
            entry(zip, "tinydep-1.0.dist-info/RECORD", "tinydep/__init__.py,,\ntinydep-1.0.dist-info/METADATA,,\n"
                    + "tinydep-1.0.dist-info/WHEEL,,\ntinydep-1.0.dist-info/RECORD,,\n");
        }
    }

    private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
