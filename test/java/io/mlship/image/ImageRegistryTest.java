package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlship build against a real registry (Debian's docker-registry on loopback), checked with tools that are
 * not ours: skopeo for what the image says, the registry's storage folder and access log for what was uploaded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageRegistryTest {
    @TempDir
    static Path tmp;
    private LocalRegistry registry;
    private Path baseTar;

    @BeforeAll
    void startRegistry() throws Exception {
        registry = LocalRegistry.start(Files.createDirectories(tmp.resolve("registry")));
        baseTar = TestImages.pythonBaseTar(Files.createDirectories(tmp.resolve("base")));
    }

    @AfterAll
    void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    /** A fresh copy of the example pushing to its own repository, with a vendored dependency folder. */
    private Path checkout(String name, String repository) throws Exception {
        Path repo = TestImages.copyExample(Files.createDirectories(tmp.resolve(name)),
                "repository: \"{registryProject}/ds-images/reco-service\"", "repository: " + repository,
                "requirements: requirements.txt", "sitePackages: vendor/site-packages");
        Path pkg = Files.createDirectories(repo.resolve("vendor/site-packages/tinyjson"));
        Files.writeString(pkg.resolve("__init__.py"), "def dumps(value):\n    return repr(value)\n");
        return repo;
    }

    private CliRun build(Path repo, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--registry", registry.address(), "--allow-insecure-registry",
                "--base-image", baseTar.toString(), "--git-sha", TestImages.SHA, "--git-branch", "main",
                "--source-repo", "https://git.example.com/ds/reco-service.git",
                "--build-url", "https://jenkins.example.com/job/reco/7/",
                "--cache-dir", repo.resolve(".cache").toString(), "--result-dir", repo.resolve("out").toString()));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(repo.resolve("out"), args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    @Test
    void skopeoSeesTheEntrypointEnvPortUserLabelsAndLayers() throws Exception {
        Path repo = checkout("inspect", "ds/inspect");
        JsonNode result = build(repo, "--version-tag", "1.4.0").result("build");
        String image = registry.address() + "/ds/inspect";

        assertThat(result.path("image").asText()).isEqualTo(image);
        assertThat(result.path("pushed").asBoolean()).isTrue();
        JsonNode manifest = Tools.skopeoInspect(image + ":1.4.0", false);
        assertThat(manifest.path("Digest").asText()).isEqualTo(result.path("digest").asText());
        List<String> repoTags = texts(manifest.path("RepoTags"));
        assertThat(repoTags.stream().filter(t -> !t.startsWith("deps-")).toList())
                .containsExactlyInAnyOrder(TestImages.SHA, "branch-main", "1.4.0");
        assertThat(repoTags.stream().filter(t -> t.startsWith("deps-")).toList()).as("the dependency image, by content")
                .singleElement().asString().matches("deps-[0-9a-f]{32}");
        assertThat(texts(manifest.path("Layers"))).containsExactlyElementsOf(layerDigests(result));
        assertThat(names(result)).containsExactly("base", "python-deps", "model", "app");

        JsonNode config = Tools.skopeoInspect(image + "@" + result.path("digest").asText(), true).path("config");
        assertThat(texts(config.path("Entrypoint"))).containsExactly("python3", "-m", "reco.server");
        assertThat(texts(config.path("Env"))).containsExactlyInAnyOrder("LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin",
                "PYTHONPATH=/app/src:/opt/python-deps", "PYTHONUNBUFFERED=1");
        assertThat(config.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(config.path("User").asText()).isEqualTo("65532:65532");
        assertThat(config.path("WorkingDir").asText()).isEqualTo("/app");
        assertThat(config.path("Cmd").isMissingNode() || config.path("Cmd").isNull()).as("base Cmd not inherited").isTrue();
        JsonNode labels = config.path("Labels");
        assertThat(labels.path("org.opencontainers.image.revision").asText()).isEqualTo(TestImages.SHA);
        assertThat(labels.path("org.opencontainers.image.source").asText()).isEqualTo("https://git.example.com/ds/reco-service.git");
        assertThat(labels.path("org.opencontainers.image.version").asText()).isEqualTo("1.4.0");
        assertThat(labels.has("io.mlship.build-url")).as("a per-build fact: in the result, not the image").isFalse();
        assertThat(result.path("buildUrl").asText()).isEqualTo("https://jenkins.example.com/job/reco/7/");
        assertThat(labels.path("io.mlship.spec-hash").asText()).isEqualTo(result.path("specHash").asText()).startsWith("sha256:");
        assertThat(labels.path(BuildKey.LABEL).asText()).as("what a later build of the same content looks for")
                .matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void twoFreshCheckoutsGiveOneDigestAndAnAppChangeUploadsOnlyTheAppLayer() throws Exception {
        Path first = checkout("first", "ds/incremental");
        JsonNode one = build(first).result("build");
        assertThat(one.path("layersPushed").asInt()).isEqualTo(4);

        // Another checkout elsewhere, at another time, with its own empty cache: same image, nothing uploaded.
        Path second = checkout("second", "ds/incremental");
        Set<String> storedBefore = registry.storedBlobs();
        int mark = registry.mark();
        JsonNode two = build(second).result("build");
        assertThat(two.path("digest").asText()).isEqualTo(one.path("digest").asText());
        assertThat(registry.blobUploadsSince(mark)).isEmpty();
        assertThat(registry.storedBlobs()).isEqualTo(storedBefore);
        assertThat(two.path("layersPushed").asInt()).isZero();
        assertThat(two.path("bytesUploaded").asLong()).isZero();

        // One app file changes: the registry receives the new app layer and config (and the manifest), nothing else.
        Path server = second.resolve("src/reco/server.py");
        Files.writeString(server, Files.readString(server) + "\n# tuned ranking threshold\n");
        mark = registry.mark();
        JsonNode three = build(second).result("build");
        String image = registry.address() + "/ds/incremental";
        List<String> layersBefore = texts(Tools.skopeoInspect(image + "@" + one.path("digest").asText(), false).path("Layers"));
        List<String> layersAfter = texts(Tools.skopeoInspect(image + ":" + TestImages.SHA, false).path("Layers"));
        String newApp = layersAfter.get(layersAfter.size() - 1);
        String newConfig = configDigest(image + ":" + TestImages.SHA);

        assertThat(three.path("digest").asText()).isNotEqualTo(one.path("digest").asText());
        assertThat(layersAfter.subList(0, 3)).isEqualTo(layersBefore.subList(0, 3));
        assertThat(newApp).isNotEqualTo(layersBefore.get(3));
        assertThat(registry.blobUploadsSince(mark)).containsExactlyInAnyOrder(newApp, newConfig);
        Set<String> added = new HashSet<>(registry.storedBlobs());
        added.removeAll(storedBefore);
        assertThat(added).containsExactlyInAnyOrder(newApp, newConfig, three.path("digest").asText());

        assertThat(names(three)).containsExactly("base", "python-deps", "model", "app");
        assertThat(pushedFlags(three)).containsExactly(false, false, false, true);
        assertThat(layerDigests(three)).isEqualTo(layersAfter);
        long appSize = three.path("layers").get(3).path("size").asLong();
        assertThat(three.path("bytesUploaded").asLong()).isGreaterThan(appSize).isLessThan((long) (appSize * 1.1) + 4096);
    }

    @Test
    void aBaseImageTheRegistryDoesNotHaveIsBadInput() throws Exception {
        Path repo = checkout("nobase", "ds/nobase");
        CliRun run = CliRun.of(repo.resolve("out"), "build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--registry", registry.address(), "--allow-insecure-registry", "--git-sha", TestImages.SHA,
                "--base-image", registry.address() + "/library/python:3.11-slim", "--cache-dir", repo.resolve(".cache").toString(),
                "--result-dir", repo.resolve("out").toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains("base image " + registry.address() + "/library/python:3.11-slim was not found");
        assertThat(run.err()).contains("not pinned by digest");
        JsonNode result = run.result("build");
        assertThat(result.path("status").asText()).isEqualTo("failed");
        assertThat(result.has("digest")).isFalse();
        assertThat(result.path("pushed").asBoolean()).isFalse();
    }

    @Test
    void aRegistryThatRefusesTheAgentIsAnInfrastructureError() throws Exception {
        Path repo = checkout("refused", "ds/refused");
        try (LocalRegistry locked = LocalRegistry.start(Files.createDirectories(tmp.resolve("locked")), true)) {
            CliRun run = CliRun.of(repo.resolve("out"), "build", "--spec", repo.resolve("mlship.yaml").toString(),
                    "--registry", locked.address(), "--allow-insecure-registry", "--git-sha", TestImages.SHA,
                    "--base-image", "scratch", "--cache-dir", repo.resolve(".cache").toString(),
                    "--result-dir", repo.resolve("out").toString());

            assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
            assertThat(run.err()).contains("the registry refused the credentials");
            assertThat(run.result("build").has("digest")).isFalse();
            assertThat(locked.storedBlobs()).isEmpty();
        }
    }

    private String configDigest(String image) throws Exception {
        // skopeo --raw gives the manifest, whose config descriptor names the config blob.
        Process p = new ProcessBuilder(Tools.require("skopeo", "skopeo"), "inspect", "--raw", "--tls-verify=false",
                "docker://" + image).start();
        JsonNode raw = new com.fasterxml.jackson.databind.ObjectMapper().readTree(p.getInputStream());
        p.waitFor();
        return raw.path("config").path("digest").asText();
    }

    @Test
    void theBasesPythonIsReadFromItsConfigInTheRegistryAndWheelsAreChosenForIt() throws Exception {
        Path base = TestImages.pythonBaseTar(Files.createDirectories(tmp.resolve("base312")), "3.12.7");
        String baseRef = registry.address() + "/library/python:3.12-test";
        Tools.skopeoCopy("docker-archive:" + base, "docker://" + baseRef);
        Path repo = TestImages.copyExample(Files.createDirectories(tmp.resolve("base-python")),
                "requirements: requirements.txt", "requirements: requirements.txt\n    wheels: wheels");
        Files.writeString(repo.resolve("requirements.txt"), "demo==1.0\n");
        HandMadeWheels.write(repo.resolve("wheels"), "demo", "1.0", "cp312-cp312-manylinux2014_x86_64");

        // The base comes from the registry (not the tar this class builds with); the image goes to a tar.
        List<String> args = new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--base-image", baseRef, "--allow-insecure-registry", "--git-sha", TestImages.SHA,
                "--tar", repo.resolve("image.tar").toString(), "--cache-dir", repo.resolve(".cache").toString(),
                "--result-dir", repo.resolve("out").toString()));
        CliRun run = CliRun.of(repo.resolve("out"), args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("pip install --target for CPython 3.12 on linux/amd64");
        assertThat(names(run.result("build"))).containsExactly("base", "python-deps", "model", "app");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> layerDigests(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.path("layers").forEach(n -> out.add(n.path("digest").asText()));
        return out;
    }

    private static List<String> names(JsonNode result) {
        List<String> out = new ArrayList<>();
        result.path("layers").forEach(n -> out.add(n.path("name").asText()));
        return out;
    }

    private static List<Boolean> pushedFlags(JsonNode result) {
        List<Boolean> out = new ArrayList<>();
        result.path("layers").forEach(n -> out.add(n.path("pushed").asBoolean()));
        return out;
    }
}
