package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.cli.CliRun;
import io.mlship.reliability.FaultProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mlship build pushing through a fault-injecting proxy in front of a real registry (Debian's docker-registry):
 * 5xx answers to a blob upload, a connection dropped half way through an upload, a registry that stops answering.
 * Each test asks the registry itself what it holds afterwards: the tag and a complete image, or no tag at all.
 */
class RegistryFaultsTest {
    static final String REPOSITORY = "ds/faults";

    @TempDir
    Path tmp;
    LocalRegistry registry;
    FaultProxy proxy;

    @BeforeEach
    void start() throws Exception {
        registry = LocalRegistry.start(Files.createDirectories(tmp.resolve("registry")));
        String[] hostPort = registry.address().split(":");
        proxy = FaultProxy.in(hostPort[0], Integer.parseInt(hostPort[1]));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        registry.close();
    }

    CliRun build(String... extra) throws Exception {
        Path repo = TestImages.copyExample(Files.createDirectories(tmp.resolve("reco")),
                "repository: \"{registryProject}/ds-images/reco-service\"", "repository: " + REPOSITORY);
        List<String> args = new ArrayList<>(List.of("build", "--spec", repo.resolve("mlship.yaml").toString(),
                "--env", "staging", "--registry", "127.0.0.1:" + proxy.port(), "--allow-insecure-registry",
                "--base-image", "scratch", "--git-sha", TestImages.SHA, "--git-branch", "main",
                "--cache-dir", repo.resolve(".cache").toString(), "--result-dir", repo.resolve("out").toString()));
        args.addAll(List.of(extra));
        return CliRun.of(repo.resolve("out"), args.toArray(String[]::new));
    }

    /** What the registry answers for the tag, asked directly (not through the proxy). */
    HttpResponse<String> manifest(String tag) throws Exception {
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://" + registry.address() + "/v2/" + REPOSITORY + "/manifests/" + tag))
                .header("Accept", "application/vnd.oci.image.manifest.v1+json").timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofString());
    }

    /** The tag names a manifest whose every blob the registry holds: a complete image. */
    void assertCompleteImage(String digest) throws Exception {
        HttpResponse<String> m = manifest(TestImages.SHA);
        assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
        assertThat(m.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.body());
        List<String> blobs = new ArrayList<>();
        blobs.add(tree.path("config").path("digest").asText());
        tree.path("layers").forEach(l -> blobs.add(l.path("digest").asText()));
        assertThat(registry.storedBlobs()).containsAll(blobs);
    }

    void assertNoTag() throws Exception {
        assertThat(manifest(TestImages.SHA).statusCode()).as("the registry has no manifest for the tag").isEqualTo(404);
        assertThat(manifest("branch-main").statusCode()).isEqualTo(404);
        assertThat(registry.manifestPutsSince(0)).as("no manifest reached the registry").isEmpty();
    }

    static Predicate<FaultProxy.Request> blobUpload(String method) {
        return r -> r.method().equals(method) && r.path().contains("/blobs/uploads/");
    }

    @Test
    void aServerErrorOnABlobUploadIsRetriedAndThePushCompletes() throws Exception {
        FaultProxy.Rule fault = proxy.answer("503 on a blob upload", blobUpload("PATCH"), 1, 1, 503);

        CliRun run = build();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(fault.fired()).isEqualTo(1);
        assertThat(run.err()).contains("the push to 127.0.0.1:" + proxy.port() + " failed (")
                .contains("retrying in 1000 ms (attempt 2 of 3)");
        assertCompleteImage(run.result("build").path("digest").asText());
    }

    @Test
    void aConnectionDroppedHalfWayThroughAnUploadIsRetried() throws Exception {
        FaultProxy.Rule fault = proxy.drop("connection reset mid-upload", blobUpload("PATCH"), 1, 1);

        CliRun run = build();

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(fault.fired()).isEqualTo(1);
        assertThat(proxy.log()).anyMatch(l -> l.contains("connection reset mid-upload (after "));
        // Jib retries a broken connection itself (and says so); mlship's own retry is there if that is not enough.
        assertThat(run.err()).containsPattern("failed and will be retried|retrying in \\d+ ms");
        assertCompleteImage(run.result("build").path("digest").asText());
    }

    @Test
    void aRegistryThatKeepsFailingEndsWithExitThreeNamingItAndNoTag() throws Exception {
        FaultProxy.Rule fault = proxy.answer("500 on every blob upload", blobUpload("PATCH"), 1, 1000, 500);

        CliRun run = build();

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(fault.fired()).as("one upload per attempt").isGreaterThanOrEqualTo(3);
        String message = run.result("build").path("errorDetails").path("message").asText();
        assertThat(message).startsWith("pushing to 127.0.0.1:" + proxy.port() + " failed after 3 attempts: the registry answered HTTP 500 ")
                .contains(" to PATCH http://127.0.0.1:" + proxy.port() + "/v2/" + REPOSITORY + "/blobs/uploads/");
        assertThat(run.result("build").path("pushed").asBoolean()).isFalse();
        assertNoTag();
    }

    @Test
    void aRegistryThatStopsAnsweringEndsWithExitThreeAtThePushTimeout() throws Exception {
        FaultProxy.Rule fault = proxy.hang("no answer to the manifest", r -> r.method().equals("PUT") && r.path().contains("/manifests/"), 1, 1000);

        long start = System.nanoTime();
        CliRun run = build("--push-timeout", "4s");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(fault.fired()).isPositive();
        assertThat(run.result("build").path("errorDetails").path("message").asText())
                .isEqualTo("the push to 127.0.0.1:" + proxy.port() + " did not finish within 4s (attempt 1 of 3): the registry stopped answering");
        assertThat(took).as("ended by the push timeout, not by Jib's 20 s request timeout").isLessThan(Duration.ofSeconds(15));
        assertNoTag();
    }
}
