package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.mlship.cli.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependencies are installed for the image's Python and platform, not the agent's: hand-made wheels tagged for one
 * Python or one machine, resolved by the real pip ({@code python3 -m pip}) through {@code mlship build --tar}.
 */
class PythonTargetTest {
    private static final String CP312_AMD64 = "cp312-cp312-manylinux2014_x86_64";

    @TempDir
    Path tmp;

    @BeforeAll
    static void pipIsInstalled() throws Exception {
        Process p = new ProcessBuilder("python3", "-m", "pip", "--version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("these tests run the real pip, but 'python3 -m pip' cannot run (" + out.trim()
                    + "): install the Debian package 'python3-pip' (bin/setup does; it is listed in bin/packages/build.txt)");
        }
    }

    /** The example with a requirements file naming {@code requirement}, wheels from its wheels folder, plus {@code python}. */
    private Path checkout(String name, String requirement, String... python) throws IOException {
        StringBuilder extra = new StringBuilder("requirements: requirements.txt\n    wheels: wheels");
        for (String line : python) {
            extra.append("\n    ").append(line);
        }
        Path repo = TestImages.copyExample(tmp.resolve(name), "requirements: requirements.txt", extra.toString());
        Files.writeString(repo.resolve("requirements.txt"), requirement + "\n");
        Files.createDirectories(repo.resolve("wheels"));
        return repo;
    }

    private CliRun build(Path repo, Map<String, String> env, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--cache-dir", repo.resolve(".cache").toString(), "--result-dir", repo.resolve("out").toString(),
                "--tar", repo.resolve("image.tar").toString(), "--git-sha", TestImages.SHA));
        args.addAll(List.of(extra));
        return CliRun.of(repo.resolve("out"), env, new ByteArrayOutputStream(), args.toArray(String[]::new));
    }

    private CliRun build(Path repo, String... extra) {
        return build(repo, System.getenv(), extra);
    }

    private static Map<String, long[]> dependencyLayer(Path repo, CliRun run) throws IOException {
        JsonNode layers = run.result("build").path("layers");
        for (JsonNode layer : layers) {
            if (layer.path("name").asText().equals("python-deps")) {
                return TestImages.layerEntries(repo.resolve("image.tar"), layer.path("digest").asText());
            }
        }
        throw new AssertionError("no python-deps layer among " + layers);
    }

    @Test
    void aCp312OnlyWheelIsRefusedForPython311AndNamed() throws Exception {
        Path repo = checkout("cp311", "demo==1.0", "version: \"3.11\"");
        HandMadeWheels.write(repo.resolve("wheels"), "demo", "1.0", CP312_AMD64);

        CliRun run = build(repo, "--base-image", "scratch");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        JsonNode error = run.result("build").path("errorDetails");
        assertThat(error.path("category").asText()).isEqualTo("badInput");
        assertThat(error.path("message").asText()).contains("'demo==1.0'").contains("CPython 3.11 on linux/amd64")
                .contains("demo-1.0-" + CP312_AMD64 + ".whl");
        assertThat(error.path("hint").asText()).contains("build a wheel of demo==1.0 for CPython 3.11")
                .contains("image.python.wheels").contains("base image");
        assertThat(repo.resolve("image.tar")).doesNotExist();
    }

    @Test
    void theSameWheelIsAcceptedForABaseWhosePythonIs312() throws Exception {
        Path repo = checkout("cp312", "demo==1.0");
        HandMadeWheels.write(repo.resolve("wheels"), "demo", "1.0", CP312_AMD64);
        Path base = TestImages.pythonBaseTar(Files.createDirectories(tmp.resolve("base312")), "3.12.7");

        CliRun run = build(repo, "--base-image", base.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(dependencyLayer(repo, run)).containsKey("opt/python-deps/demo/__init__.py");
        assertThat(run.err()).contains("pip install --target for CPython 3.12 on linux/amd64");
    }

    @Test
    void anArm64OnlyWheelIsRefusedForLinuxAmd64() throws Exception {
        Path repo = checkout("arm", "armdemo", "version: \"3.12\"");
        HandMadeWheels.write(repo.resolve("wheels"), "armdemo", "1.0", "cp312-cp312-manylinux2014_aarch64");

        CliRun amd64 = build(repo, "--base-image", "scratch");

        assertThat(amd64.exitCode()).as(amd64.err()).isEqualTo(2);
        assertThat(amd64.result("build").path("errorDetails").path("message").asText())
                .contains("'armdemo'").contains("on linux/amd64").contains("manylinux2014_aarch64");

        // The same wheel is what an arm64 image needs.
        edit(repo, "  port: 8080\n\ndeploy:", "  port: 8080\n  platforms: [linux/arm64]\n\ndeploy:");
        CliRun arm64 = build(repo, "--base-image", "scratch");
        assertThat(arm64.exitCode()).as(arm64.err()).isZero();
        assertThat(dependencyLayer(repo, arm64)).containsKey("opt/python-deps/armdemo/__init__.py");
    }

    @Test
    void aWheelFolderWithoutRequirementsIsCheckedAgainstTheTargetToo() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("folder"), "requirements: requirements.txt",
                "wheels: wheels\n    version: \"3.11\"");
        HandMadeWheels.write(repo.resolve("wheels"), "demo", "1.0", CP312_AMD64);

        CliRun run = build(repo, "--base-image", "scratch");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.result("build").path("errorDetails").path("message").asText())
                .contains("wheel 'demo-1.0-" + CP312_AMD64 + ".whl' does not fit").contains("CPython 3.11 on linux/amd64");
    }

    @Test
    void withoutAVersionFromSpecOrBaseTheBuildSaysHowToSetIt() throws Exception {
        Path repo = checkout("unknown", "demo==1.0");
        HandMadeWheels.write(repo.resolve("wheels"), "demo", "1.0", CP312_AMD64);
        Path base = TestImages.pythonBaseTar(Files.createDirectories(tmp.resolve("plain")));

        CliRun run = build(repo, "--base-image", base.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("image.python.version is not set").contains("PYTHON_VERSION")
                .contains("version: \"3.12\"");
    }

    @Test
    void aSpecVersionThatContradictsTheBaseIsRefused() throws Exception {
        Path repo = checkout("contradict", "demo==1.0", "version: \"3.12\"");
        HandMadeWheels.write(repo.resolve("wheels"), "demo", "1.0", CP312_AMD64);
        Path base = TestImages.pythonBaseTar(Files.createDirectories(tmp.resolve("base311")), "3.11.9");

        CliRun run = build(repo, "--base-image", base.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("image.python.version is 3.12, but base image").contains("has Python 3.11");
    }

    @Test
    void theInstallIsKeptPerTargetPython() throws Exception {
        Path repo = checkout("keyed", "tinydep==1.0", "version: \"3.11\"");
        HandMadeWheels.write(repo.resolve("wheels"), "tinydep", "1.0", "py3-none-any");
        assertThat(build(repo, "--base-image", "scratch").exitCode()).isZero();
        CliRun again = build(repo, "--base-image", "scratch");
        assertThat(again.err()).contains("dependencies unchanged for CPython 3.11");

        edit(repo, "version: \"3.11\"", "version: \"3.12\"");
        CliRun other = build(repo, "--base-image", "scratch");

        assertThat(other.exitCode()).as(other.err()).isZero();
        assertThat(other.err()).doesNotContain("dependencies unchanged").contains("for CPython 3.12");
        try (Stream<Path> installs = Files.list(repo.resolve(".cache/python"))) {
            assertThat(installs.map(p -> p.getFileName().toString()).toList())
                    .hasSize(2).anyMatch(n -> n.endsWith("-cp311-x86_64")).anyMatch(n -> n.endsWith("-cp312-x86_64"));
        }
    }

    @Test
    void theIndexComesFromTheNamedVariableWithItsCredentialsNeverShown() throws Exception {
        Path repo = TestImages.copyExample(tmp.resolve("index"), "requirements: requirements.txt",
                "requirements: requirements.txt\n    version: \"3.12\"\n    indexUrlEnv: TEAM_PYPI_URL");
        Files.writeString(repo.resolve("requirements.txt"), "demo==1.0\nmissingdemo\n");
        Path files = HandMadeWheels.write(tmp.resolve("served"), "demo", "1.0", CP312_AMD64);
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer index = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        index.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            if (path.equals("/simple/demo/")) {
                String name = files.getFileName().toString();
                body = ("<html><body><a href=\"/files/" + name + "\">" + name + "</a></body></html>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html");
            } else if (path.startsWith("/files/")) {
                body = Files.readAllBytes(files);
            } else {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        index.start();
        try {
            String url = "http://ci-reader:s3cr3t-token@127.0.0.1:" + index.getAddress().getPort() + "/simple/";
            Map<String, String> env = new HashMap<>(System.getenv());
            env.put("TEAM_PYPI_URL", url);

            CliRun run = build(repo, env, "--base-image", "scratch");

            assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
            assertThat(run.err()).contains("from the package index in $TEAM_PYPI_URL").contains("'missingdemo'")
                    .doesNotContain("s3cr3t-token");
            assertThat(Files.readString(run.resultDir().resolve("build.json"))).doesNotContain("s3cr3t-token");
            String basic = "Basic " + Base64.getEncoder().encodeToString("ci-reader:s3cr3t-token".getBytes(StandardCharsets.UTF_8));
            assertThat(authorizations).as("pip used the index with its credentials").contains(basic);

            Files.writeString(repo.resolve("requirements.txt"), "demo==1.0\n");
            CliRun found = build(repo, env, "--base-image", "scratch");
            assertThat(found.exitCode()).as(found.err()).isZero();
            assertThat(dependencyLayer(repo, found)).containsKey("opt/python-deps/demo/__init__.py");

            Map<String, String> without = new HashMap<>(System.getenv());
            without.remove("TEAM_PYPI_URL");
            CliRun unset = build(repo, without, "--base-image", "scratch");
            assertThat(unset.exitCode()).isEqualTo(2);
            assertThat(unset.err()).contains("image.python.indexUrlEnv names $TEAM_PYPI_URL").contains("withCredentials");
        } finally {
            index.stop(0);
        }
    }

    @Test
    void platformTagsCoverBothManylinuxSpellingsUpToTheGlibcCeiling() {
        PythonTarget amd64 = new PythonTarget("3.12.7", "linux/amd64");
        assertThat(amd64.version()).isEqualTo("3.12");
        assertThat(amd64.platformTags()).contains("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
                "manylinux2010_x86_64", "manylinux1_x86_64").doesNotContain("manylinux_2_29_x86_64", "linux_x86_64");
        assertThat(amd64.pipOptions()).containsSubsequence("--implementation", "cp", "--python-version", "3.12",
                "--only-binary=:all:", "--platform", "manylinux_2_28_x86_64");
        assertThat(new PythonTarget("3.11", "linux/arm64").platformTags()).contains("manylinux2014_aarch64",
                "manylinux_2_17_aarch64").noneMatch(t -> t.contains("x86_64") || t.startsWith("manylinux1"));
        assertThat(PythonTarget.majorMinor("3.13.0rc1")).isEqualTo("3.13");
        assertThat(PythonTarget.majorMinor("2.7.18")).isNull();
    }

    @Test
    void pipsRefusalNamesTheRequirementAndTheIndexUrlIsMasked() {
        String output = "Looking in links: wheels\nERROR: Could not find a version that satisfies the requirement "
                + "torch==2.3.1 (from versions: none)\nERROR: No matching distribution found for torch==2.3.1\n";
        assertThat(PipInstall.unavailable(output)).contains("torch==2.3.1");
        assertThat(PipInstall.unavailable("ERROR: No matching distribution found for numpy\n")).contains("numpy");
        assertThat(PipInstall.unavailable("ERROR: demo-1.0-cp312-cp312-manylinux2014_x86_64.whl is not a supported "
                + "wheel on this platform.")).contains("demo-1.0-cp312-cp312-manylinux2014_x86_64.whl");
        assertThat(PipInstall.unavailable("ERROR: THESE PACKAGES DO NOT MATCH THE HASHES")).isEmpty();

        String url = "https://ci:tok3n@pypi.example.com/simple/";
        assertThat(PipInstall.mask("fetching " + url + "demo/ and https://ci:tok3n@pypi.example.com/files/x", url))
                .isEqualTo("fetching ****demo/ and https://****@pypi.example.com/files/x");
    }

    @Test
    void aSitePackagesFolderForTwoPlatformsIsRefusedWhenAWheelIsCompiled() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("site-packages"));
        distInfo(site, "tinydep-1.0", "py3-none-any");
        InstalledWheels installed = new InstalledWheels(site);
        installed.requireOneFolderServes(List.of("linux/amd64", "linux/arm64"));

        distInfo(site, "demo-1.0", CP312_AMD64);
        assertThat(installed.platformSpecific()).containsExactly("demo-1.0");
        installed.requireOneFolderServes(List.of("linux/amd64"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> installed.requireOneFolderServes(List.of("linux/amd64", "linux/arm64")))
                .hasMessageContaining("demo-1.0").hasMessageContaining("linux/amd64, linux/arm64")
                .hasMessageContaining("image.python.sitePackages");
    }

    private static void edit(Path repo, String from, String to) throws IOException {
        String spec = Files.readString(repo.resolve("mlship.yaml"));
        assertThat(spec).contains(from);
        Files.writeString(repo.resolve("mlship.yaml"), spec.replace(from, to));
    }

    private static void distInfo(Path site, String nameVersion, String tag) throws IOException {
        Path dir = Files.createDirectories(site.resolve(nameVersion + ".dist-info"));
        Files.writeString(dir.resolve("WHEEL"), "Wheel-Version: 1.0\nGenerator: hand\nTag: " + tag + "\n");
    }
}
