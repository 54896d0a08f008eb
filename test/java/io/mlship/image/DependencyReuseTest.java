package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dependencies reused by content on a fresh agent, against a real registry (Debian's docker-registry): after a first
 * push, a fresh copy of the repository built with an empty cache installs, compresses and uploads nothing of its
 * unchanged dependencies. Checked with the registry's own access log and the new cache folder's content.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DependencyReuseTest {
    private static final String CP312_AMD64 = "cp312-cp312-manylinux2014_x86_64";

    @TempDir
    static Path tmp;
    private LocalRegistry registry;
    private Path baseTar;

    @BeforeAll
    void startRegistry() throws Exception {
        registry = LocalRegistry.start(Files.createDirectories(tmp.resolve("registry")));
        baseTar = TestImages.pythonBaseTar(Files.createDirectories(tmp.resolve("base")), "3.12.7");
    }

    @AfterAll
    void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    /** A fresh copy of the example with about 20 MB of vendored dependencies, the same bytes in every copy. */
    private Path vendoredCheckout(String name, String repository) throws IOException {
        Path repo = TestImages.copyExample(Files.createDirectories(tmp.resolve(name)),
                "repository: \"{registryProject}/ds-images/reco-service\"", "repository: " + repository,
                "requirements: requirements.txt", "sitePackages: vendor/site-packages");
        Path site = repo.resolve("vendor/site-packages");
        Random random = new Random(20);
        // A compiled library (incompressible), a package of many small modules, and compressible data files.
        byte[] library = new byte[12 << 20];
        random.nextBytes(library);
        write(site.resolve("fastmath/_core.cpython-312-x86_64-linux-gnu.so"), library);
        write(site.resolve("fastmath/__init__.py"), "from ._core import *\n".getBytes(StandardCharsets.UTF_8));
        write(site.resolve("fastmath-2.1.0.dist-info/METADATA"), "Name: fastmath\nVersion: 2.1.0\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 300; i++) {
            write(site.resolve("textkit/mod_" + i + ".py"), ("def f" + i + "(x):\n    return x * " + i + "\n").repeat(40)
                    .getBytes(StandardCharsets.UTF_8));
        }
        write(site.resolve("tables/data.csv"), "id,label,score\n1,alpha,0.5\n".repeat(250_000).getBytes(StandardCharsets.UTF_8));
        return repo;
    }

    private static void write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }

    private CliRun build(Path repo, Path cache, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--registry", registry.address(), "--allow-insecure-registry",
                "--base-image", baseTar.toString(), "--git-sha", TestImages.SHA,
                "--cache-dir", cache.toString(), "--result-dir", repo.resolve("out").toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--git-branch")) {
            args.addAll(List.of("--git-branch", "main"));
        }
        CliRun run = CliRun.of(repo.resolve("out"), args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isZero();
        return run;
    }

    @Test
    void aFreshCopyWithAnEmptyCacheUploadsNoDependencyBytesAndCompressesNone() throws Exception {
        Path first = vendoredCheckout("first", "ds/reuse");
        JsonNode one = build(first, first.resolve(".cache")).result("build");
        List<String> dependencies = digestsNamed(one, "python-deps");
        assertThat(dependencies).hasSize(1);
        assertThat(pushedOf(one, "python-deps")).isTrue();

        // Another agent: a fresh copy (new paths and file times), an empty cache, and one app file changed.
        Path second = vendoredCheckout("second", "ds/reuse");
        Path server = second.resolve("src/reco/server.py");
        Files.writeString(server, Files.readString(server) + "\n# tuned ranking threshold\n");
        Path freshCache = tmp.resolve("fresh-agent-cache");
        int mark = registry.mark();
        CliRun run = build(second, freshCache);
        JsonNode two = run.result("build");

        List<String> appLayer = digestsNamed(two, "app");
        String config = Tools.skopeoRawManifest(registry.address() + "/ds/reuse@" + two.path("digest").asText())
                .path("config").path("digest").asText();
        assertThat(registry.blobUploadsSince(mark)).as("the registry received the new app layer and config only")
                .containsExactlyInAnyOrder(appLayer.get(0), config)
                .doesNotContainAnyElementsOf(dependencies);
        assertThat(registry.logLines().subList(mark, registry.logLines().size()))
                .as("no dependency blob was pulled either")
                .noneMatch(line -> line.contains("\"GET /v2/ds/reuse/blobs/" + dependencies.get(0)));
        assertThat(digestsNamed(two, "python-deps")).isEqualTo(dependencies);
        assertThat(pushedOf(two, "python-deps")).isFalse();
        assertThat(run.err()).contains("python: dependencies unchanged, reusing " + registry.address() + "/ds/reuse:deps-");

        // Nothing of the 20 MB was compressed here: the fresh cache holds the small layers only, not the dependencies'.
        assertThat(namesUnder(freshCache)).noneMatch(n -> n.contains(dependencies.get(0).substring("sha256:".length())));
        assertThat(bytesUnder(freshCache)).isLessThan(1 << 20);
    }

    @Test
    void aFreshCopyOfTheSameCommitFindsItsImageAndOnlyAddsItsNewTag() throws Exception {
        Path first = vendoredCheckout("same-first", "ds/same");
        JsonNode one = build(first, first.resolve(".cache")).result("build");

        // Another agent builds the same commit for another branch: the image exists, only the new tag is missing.
        Path second = vendoredCheckout("same-second", "ds/same");
        Path freshCache = tmp.resolve("same-fresh-cache");
        int mark = registry.mark();
        CliRun run = build(second, freshCache, "--git-branch", "release/1.4");
        JsonNode two = run.result("build");

        assertThat(run.err()).contains("image unchanged: " + registry.address() + "/ds/same:" + TestImages.SHA)
                .doesNotContain("python: ");
        assertThat(two.path("digest").asText()).isEqualTo(one.path("digest").asText());
        assertThat(registry.blobUploadsSince(mark)).isEmpty();
        List<String> blobReads = registry.logLines().subList(mark, registry.logLines().size()).stream()
                .filter(line -> line.contains("\"GET /v2/ds/same/blobs/")).toList();
        assertThat(blobReads).as("the config only").hasSize(1);
        assertThat(registry.manifestPutsSince(mark)).containsExactly("branch-release-1.4");
        assertThat(Tools.skopeoInspect(registry.address() + "/ds/same:branch-release-1.4", false).path("Digest").asText())
                .isEqualTo(one.path("digest").asText());
        assertThat(names(two)).isEqualTo(names(one));
        assertThat(two.path("layers").findValuesAsText("digest")).isEqualTo(one.path("layers").findValuesAsText("digest"));
        assertThat(two.path("bytesUploaded").asLong()).isZero();
        assertThat(Files.exists(freshCache) ? bytesUnder(freshCache) : 0).isZero();

        // The same commit with another setting is another image: built, not found.
        Path spec = second.resolve("mlship.yaml");
        Files.writeString(spec, Files.readString(spec).replace("PYTHONUNBUFFERED: \"1\"", "PYTHONUNBUFFERED: \"0\""));
        CliRun changed = build(second, freshCache);
        assertThat(changed.err()).doesNotContain("image unchanged")
                .contains("python: dependencies unchanged, reusing " + registry.address() + "/ds/same:deps-");
        assertThat(changed.result("build").path("digest").asText()).isNotEqualTo(one.path("digest").asText());
    }

    private static List<String> names(JsonNode result) {
        return result.path("layers").findValuesAsText("name");
    }

    @Test
    void requirementsFoundInTheRegistryAreNotInstalledAgain() throws Exception {
        Path first = wheelCheckout("pip-first");
        JsonNode one = build(first, first.resolve(".cache")).result("build");
        List<String> dependencies = digestsNamed(one, "python-deps");
        assertThat(dependencies).hasSize(1);

        // The fresh agent's interpreter cannot run pip at all: the build passes only if pip is not needed.
        // An app file changed, so the image is a new one and only its dependencies are found.
        Path second = wheelCheckout("pip-second");
        Path server = second.resolve("src/reco/server.py");
        Files.writeString(server, Files.readString(server) + "\n# tuned ranking threshold\n");
        int mark = registry.mark();
        CliRun run = build(second, tmp.resolve("pip-fresh-cache"), "--python", tmp.resolve("no-such-python").toString());

        assertThat(run.err()).doesNotContain("pip install").contains("python: dependencies unchanged");
        assertThat(digestsNamed(run.result("build"), "python-deps")).isEqualTo(dependencies);
        assertThat(registry.blobUploadsSince(mark)).hasSize(2).doesNotContainAnyElementsOf(dependencies);
        assertThat(run.result("build").path("digest").asText()).isNotEqualTo(one.path("digest").asText());
    }

    private Path wheelCheckout(String name) throws IOException {
        Path repo = TestImages.copyExample(Files.createDirectories(tmp.resolve(name)),
                "repository: \"{registryProject}/ds-images/reco-service\"", "repository: ds/pip-reuse",
                "requirements: requirements.txt", "requirements: requirements.txt\n    wheels: wheels");
        Files.writeString(repo.resolve("requirements.txt"), "demo==1.0\n");
        HandMadeWheels.commit(tmp.resolve("committed-wheels"), repo.resolve("wheels"), "demo", "1.0", CP312_AMD64);
        return repo;
    }

    private static List<String> digestsNamed(JsonNode result, String name) {
        List<String> out = new ArrayList<>();
        result.path("layers").forEach(l -> {
            if (l.path("name").asText().equals(name)) {
                out.add(l.path("digest").asText());
            }
        });
        return out;
    }

    private static boolean pushedOf(JsonNode result, String name) {
        for (JsonNode l : result.path("layers")) {
            if (l.path("name").asText().equals(name)) {
                return l.path("pushed").asBoolean();
            }
        }
        throw new AssertionError("no layer " + name + " in " + result.path("layers"));
    }

    private static Set<String> namesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toCollection(TreeSet::new));
        }
    }

    private static long bytesUnder(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
