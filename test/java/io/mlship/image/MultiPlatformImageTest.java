package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.cli.CliRun;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image for linux/amd64 and linux/arm64 with compiled (hand-made) wheels, pushed to a real registry (Debian's
 * docker-registry): one OCI image index, pip run once per platform by the real pip, each platform's dependency
 * layer holding that platform's wheel; unchanged dependencies found again as an index and not uploaded again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiPlatformImageTest {
    private static final String AMD64 = "cp312-cp312-manylinux2014_x86_64";
    private static final String ARM64 = "cp312-cp312-manylinux2014_aarch64";
    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    @TempDir
    static Path tmp;
    private LocalRegistry registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    void startRegistry() throws Exception {
        registry = LocalRegistry.start(Files.createDirectories(tmp.resolve("registry")));
    }

    @AfterAll
    void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
    }

    /** A fresh checkout for both platforms, requiring demo==1.0 from a wheel folder holding the given wheel tags. */
    private Path checkout(String name, String repository, String... wheelTags) throws IOException {
        Path repo = TestImages.copyExample(Files.createDirectories(tmp.resolve(name)),
                "repository: \"{registryProject}/ds-images/reco-service\"", "repository: " + repository,
                "requirements: requirements.txt", "requirements: requirements.txt\n    wheels: wheels\n    version: \"3.12\"",
                "  port: 8080\n\ndeploy:", "  port: 8080\n  platforms: [linux/amd64, linux/arm64]\n\ndeploy:");
        Files.writeString(repo.resolve("requirements.txt"), "demo==1.0\n");
        for (String tag : wheelTags) {
            HandMadeWheels.commit(tmp.resolve("committed-wheels"), repo.resolve("wheels"), "demo", "1.0", tag);
        }
        return repo;
    }

    private CliRun build(Path repo, Path cache, String base, String... extra) {
        List<String> args = new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--registry", registry.address(), "--allow-insecure-registry",
                "--base-image", base, "--git-sha", TestImages.SHA,
                "--cache-dir", cache.toString(), "--result-dir", repo.resolve("out").toString()));
        args.addAll(List.of(extra));
        if (!args.contains("--git-branch")) {
            args.addAll(List.of("--git-branch", "main"));
        }
        return CliRun.of(repo.resolve("out"), args.toArray(String[]::new));
    }

    @Test
    void oneIndexWithEachPlatformsOwnWheelAndUnchangedDependenciesAreNotUploadedAgain() throws Exception {
        Path first = checkout("first", "ds/multi", AMD64, ARM64);
        CliRun run = build(first, first.resolve(".cache"), "scratch");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("pip install --target for CPython 3.12 on linux/amd64")
                .contains("pip install --target for CPython 3.12 on linux/arm64");
        JsonNode result = run.result("build");
        String image = registry.address() + "/ds/multi";

        JsonNode index = Tools.skopeoRawManifest(image + ":" + TestImages.SHA);
        assertThat(index.path("mediaType").asText()).as("Jib writes several platforms' images as a manifest list")
                .isEqualTo(MANIFEST_LIST);
        Map<String, String> manifests = new LinkedHashMap<>();
        index.path("manifests").forEach(m -> manifests.put(m.path("platform").path("os").asText() + "/"
                + m.path("platform").path("architecture").asText(), m.path("digest").asText()));
        assertThat(manifests).containsOnlyKeys("linux/amd64", "linux/arm64");
        assertThat(index.path("manifests")).hasSize(2);
        assertThat(result.path("digest").asText()).as("build.json's digest is the index's")
                .isEqualTo(manifestDigest("ds/multi", TestImages.SHA));
        assertThat(result.path("platforms").path("linux/amd64").asText()).isEqualTo(manifests.get("linux/amd64"));
        assertThat(result.path("platforms").path("linux/arm64").asText()).isEqualTo(manifests.get("linux/arm64"));

        String amd64Layer = wheelLayer("ds/multi", manifests.get("linux/amd64"), "manylinux2014_x86_64");
        String arm64Layer = wheelLayer("ds/multi", manifests.get("linux/arm64"), "manylinux2014_aarch64");
        assertThat(amd64Layer).isNotEqualTo(arm64Layer);

        // The dependency image is an index too, under its content tag, with the same two platforms.
        String depsTag = depsTag(run.err());
        JsonNode deps = Tools.skopeoRawManifest(image + ":" + depsTag);
        assertThat(deps.path("mediaType").asText()).isEqualTo(OCI_INDEX);
        assertThat(deps.path("manifests")).hasSize(2);

        // Another agent: a fresh copy with an app change and an empty cache. Its interpreter cannot run pip: the
        // build passes only if the dependency index is found and pip is not needed.
        Path second = checkout("second", "ds/multi", AMD64, ARM64);
        Path server = second.resolve("src/reco/server.py");
        Files.writeString(server, Files.readString(server) + "\n# tuned ranking threshold\n");
        int mark = registry.mark();
        CliRun again = build(second, tmp.resolve("fresh-cache"), "scratch", "--python",
                tmp.resolve("no-such-python").toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).doesNotContain("pip install")
                .contains("python: dependencies unchanged, reusing " + image + ":" + depsTag);
        assertThat(registry.blobUploadsSince(mark)).as("the new app layer and two configs, no dependency layer")
                .doesNotContain(amd64Layer, arm64Layer).hasSize(3);
        JsonNode changed = again.result("build");
        assertThat(changed.path("digest").asText()).isNotEqualTo(result.path("digest").asText());

        // A third agent builds that same commit again, for another branch: the list on the commit's tag is this
        // build's, so nothing is made; the new branch tag gets the same list, at the same digest.
        Path third = checkout("third", "ds/multi", AMD64, ARM64);
        Files.copy(server, third.resolve("src/reco/server.py"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        mark = registry.mark();
        CliRun same = build(third, tmp.resolve("third-cache"), "scratch", "--python",
                tmp.resolve("no-such-python").toString(), "--git-branch", "release");
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.err()).contains("image unchanged: " + image + ":" + TestImages.SHA);
        assertThat(registry.blobUploadsSince(mark)).isEmpty();
        assertThat(registry.manifestPutsSince(mark)).containsExactly("branch-release");
        assertThat(manifestDigest("ds/multi", "branch-release")).isEqualTo(changed.path("digest").asText());
        assertThat(same.result("build").path("digest").asText()).isEqualTo(changed.path("digest").asText());
        assertThat(same.result("build").path("platforms")).isEqualTo(changed.path("platforms"));
    }

    @Test
    void aPackageWithNoWheelForOnePlatformIsRefusedNamingItAndThePlatform() throws Exception {
        Path repo = checkout("amd64-only", "ds/amd64-only", AMD64);

        CliRun run = build(repo, repo.resolve(".cache"), "scratch");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        JsonNode error = run.result("build").path("errorDetails");
        assertThat(error.path("category").asText()).isEqualTo("badInput");
        assertThat(error.path("message").asText()).contains("'demo==1.0'").contains("on linux/arm64")
                .contains("demo-1.0-" + AMD64 + ".whl");
        assertThat(error.path("hint").asText()).contains("image.python.wheels");
        assertThat(registry.logLines()).noneMatch(line -> line.contains("PUT /v2/ds/amd64-only/manifests/"));
    }

    @Test
    void aSinglePlatformBaseForTwoPlatformsIsRefusedNamingBothFields() throws Exception {
        Path base = TestImages.pythonBaseTar(Files.createDirectories(tmp.resolve("base")), "3.12.7");
        String baseRef = registry.address() + "/library/python:3.12-amd64-only";
        Tools.skopeoCopy("docker-archive:" + base, "docker://" + baseRef);
        Path repo = checkout("single-base", "ds/single-base", AMD64, ARM64);

        CliRun run = build(repo, repo.resolve(".cache"), baseRef);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        JsonNode error = run.result("build").path("errorDetails");
        assertThat(error.path("message").asText() + " " + error.path("hint").asText())
                .contains("image.base").contains("image.platforms").contains("linux/arm64");
    }

    /** The deps-<hash> tag the build reported pushing or reusing. */
    private static String depsTag(String log) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(":(deps-[0-9a-f]{32})\\b").matcher(log);
        assertThat(m.find()).as(log).isTrue();
        return m.group(1);
    }

    /**
     * The layer of that platform's manifest holding demo's dist-info, checked to be the wheel for {@code platformTag}
     * (its WHEEL file's Tag line); returns the layer's digest.
     */
    private String wheelLayer(String repository, String manifestDigest, String platformTag) throws Exception {
        JsonNode manifest = Tools.skopeoRawManifest(registry.address() + "/" + repository + "@" + manifestDigest);
        List<String> tags = new ArrayList<>();
        String found = null;
        for (JsonNode layer : manifest.path("layers")) {
            Optional<String> wheel = entry(get("/v2/" + repository + "/blobs/" + layer.path("digest").asText()),
                    "demo-1.0.dist-info/WHEEL");
            if (wheel.isPresent()) {
                wheel.get().lines().filter(l -> l.startsWith("Tag:")).forEach(l -> tags.add(l.substring(4).trim()));
                found = layer.path("digest").asText();
            }
        }
        assertThat(tags).as("the wheel in " + manifestDigest).containsExactly("cp312-cp312-" + platformTag);
        return found;
    }

    /** A file's text from a gzipped layer tar, by the end of its path. */
    private static Optional<String> entry(byte[] layer, String pathEnd) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(layer)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().endsWith(pathEnd)) {
                    return Optional.of(new String(tar.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        return Optional.empty();
    }

    /** The digest of the manifest (or index) the tag names, from its bytes as the registry serves them. */
    private String manifestDigest(String repository, String tag) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + registry.address() + "/v2/" + repository
                        + "/manifests/" + tag)).timeout(Duration.ofSeconds(30))
                .header("Accept", OCI_INDEX + ", " + MANIFEST_LIST + ", "
                        + "application/vnd.oci.image.manifest.v1+json").GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return "sha256:" + TestImages.sha256(response.body());
    }

    private byte[] get(String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + registry.address() + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
