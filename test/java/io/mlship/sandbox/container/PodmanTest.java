package io.mlship.sandbox.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container path of the sandbox, for real: the offline base image and an image of the example service, run
 * under podman. Needs the Debian packages podman and runc (bin/setup installs them); without them the tests fail
 * and say so.
 */
class PodmanTest {
    private static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    static PythonBaseImage.BaseImage base;
    static Podman podman;
    static String baseId;

    @TempDir
    Path tmp;

    @BeforeAll
    static void loadTheBaseImage() {
        podman = TestImages.podman();
        base = TestImages.base();
        baseId = podman.load(base.archive());
    }

    @Test
    void theLoadedImageIsTheArchiveAsWritten() {
        assertThat("sha256:" + baseId).isEqualTo(base.configDigest());
    }

    @Test
    void pythonRunsInTheBaseImageAsTheNonRootUserWithTheModulesAServiceNeeds() {
        Exec.Result r = podman.runToCompletion(baseId, List.of("python3", "-c", """
                import json, http.server, ssl, sqlite3, os, sys, socket, hashlib, zlib, ctypes, pwd
                print(json.dumps({"uid": os.getuid(), "user": pwd.getpwuid(os.getuid()).pw_name,
                                  "python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version,
                                  "openssl": ssl.OPENSSL_VERSION, "tmp": os.access("/tmp", os.W_OK),
                                  "cas": ssl.create_default_context().cert_store_stats()["x509_ca"]}))
                """), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        JsonNode out = json(r.stdout());
        assertThat(out.path("uid").asInt()).isEqualTo(65532);
        assertThat(out.path("user").asText()).isEqualTo("nonroot");
        assertThat(out.path("python").asText()).startsWith(base.pythonVersion() + ".");
        assertThat(out.path("openssl").asText()).startsWith("OpenSSL 3");
        assertThat(out.path("tmp").asBoolean()).isTrue();
        if (Files.isRegularFile(Path.of("/etc/ssl/certs/ca-certificates.crt"))) {
            assertThat(out.path("cas").asInt()).isPositive();
        }
    }

    @Test
    void theExampleServiceImageAnswersOnTheHostNetwork() throws Exception {
        int port = freePort();
        String appId = podman.load(exampleImage(tmp));
        ContainerSpec spec = ContainerSpec.builder(appId, "mlship-test-reco-" + port)
                .env("PORT", String.valueOf(port))
                .healthUrl(URI.create("http://127.0.0.1:" + port + "/readyz"), Duration.ofSeconds(60))
                .build();
        Container running;
        try (Container container = podman.start(spec)) {
            assertThat(container.readyAfter()).isNotNull();
            System.err.printf("[test] example service container ready after %d ms%n",
                    container.readyAfter().toMillis());
            Response ready = get("http://127.0.0.1:" + port + "/readyz");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(json(ready.body()).path("model").path("version").asText()).isEqualTo("v2");

            Response reco = get("http://127.0.0.1:" + port + "/v1/recommendations?q=lipstick&k=5");
            assertThat(reco.statusCode()).isEqualTo(200);
            JsonNode items = json(reco.body()).path("items");
            assertThat(items).hasSize(5);
            items.forEach(item -> assertThat(item.path("category").asText()).isEqualTo("lipstick"));

            assertThat(container.state()).startsWith("running");
            assertThat(container.logs(0)).contains("/v1/recommendations").doesNotContain("q=lipstick");
            running = container;
        }
        // The server is PID 1 in the container: SIGTERM reaching it means a graceful exit 0, not a kill.
        assertThat(running.exitCode()).as("exit code after close").isZero();
        Exec.Result gone = podman.podman(Duration.ofSeconds(30), "look for the removed container", "container",
                "exists", spec.name());
        assertThat(gone.exitCode()).as("container removed on close").isEqualTo(1);
    }

    @Test
    void aModelFolderMountedReadOnlyIsServedAsVertexAiWouldPassIt() throws Exception {
        assertThat(Podman.installed()).isTrue();
        int port = freePort();
        String appId = podman.load(exampleImage(tmp));
        ContainerSpec spec = ContainerSpec.builder(appId, "mlship-test-mount-" + port)
                .env("AIP_HTTP_PORT", String.valueOf(port))
                .env("AIP_STORAGE_URI", "/mnt/models")
                .mount(EXAMPLE.resolve("training-output/reco-ranker/v1"), "/mnt/models")
                .healthUrl(URI.create("http://127.0.0.1:" + port + "/health"), Duration.ofSeconds(60))
                .build();
        try (Container container = podman.start(spec)) {
            Response ready = get("http://127.0.0.1:" + port + "/readyz");
            assertThat(json(ready.body()).path("model").path("version").asText()).isEqualTo("v1");
        }
    }

    @Test
    void aContainerThatCrashesFailsFastWithItsOwnErrorMessage() throws Exception {
        int port = freePort();
        String appId = podman.load(exampleImage(tmp));
        ContainerSpec spec = ContainerSpec.builder(appId, "mlship-test-crash-" + port)
                .env("PORT", String.valueOf(port))
                .env("MODEL_DIR", "/opt/no-such-model")
                .healthUrl(URI.create("http://127.0.0.1:" + port + "/readyz"), Duration.ofSeconds(60))
                .build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> podman.start(spec))
                .isInstanceOfSatisfying(MlshipException.class, e -> assertThat(e.category())
                        .isEqualTo(ErrorCategory.INFRASTRUCTURE))
                .hasMessageContaining("exit code 1)")
                .hasMessageContaining("/opt/no-such-model");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(podman.podman(Duration.ofSeconds(30), "look for the removed container", "container", "exists",
                spec.name()).exitCode()).isEqualTo(1);
    }

    @Test
    void withoutPodmanTheErrorNamesThePackagesToInstall() {
        assertThatThrownBy(() -> Podman.inStateDir(tmp.resolve("state"),
                new PrintStream(PrintStream.nullOutputStream()), "podman-not-installed-here"))
                .isInstanceOfSatisfying(MlshipException.class, e -> assertThat(e.hint())
                        .contains("podman runc", "bin/setup"))
                .hasMessageContaining("podman is not installed");
    }

    @Test
    void resetRemovesEverythingOfItsStateDirectoryAndNothingElse() throws IOException {
        Path state = tmp.resolve("a-state-directory-deep-enough-for-a-short-run-root");
        Podman own = Podman.inStateDir(state, new PrintStream(PrintStream.nullOutputStream()));
        assertThat(own.runRoot().toString()).startsWith("/tmp/mlship-podman-");
        Layer layer = new LayerBuilder().file("/hello.txt", "hi\n".getBytes(StandardCharsets.UTF_8), 0644)
                .writeTo(tmp.resolve("hello-layer.tar"));
        DockerArchive.write(tmp.resolve("hello.tar"), "localhost/mlship-test/hello:1", "amd64", ImageConfig.empty(),
                List.of(layer), "test");
        own.load(tmp.resolve("hello.tar"));
        assertThat(own.podman(Duration.ofSeconds(30), "list images", "images", "-q").stdout()).isNotBlank();

        own.reset();
        assertThat(own.runRoot()).doesNotExist();
        assertThat(own.podman(Duration.ofSeconds(30), "list images", "images", "-q").stdout()).isBlank();
        own.reset(); // listing made the run root again
        // The shared test state is another directory: its base image is still there.
        assertThat(podman.podman(Duration.ofSeconds(30), "list images", "images", "-q").stdout()).contains(
                baseId.substring(0, 12));
    }

    /** The example service as an image: its code and a trained model on top of the base, as a build would. */
    static Path exampleImage(Path dir) throws IOException {
        Layer layer = new LayerBuilder()
                .tree(EXAMPLE.resolve("src"), "/app/src", 0644,
                        p -> !p.getFileName().toString().equals("__pycache__"))
                .tree(EXAMPLE.resolve("training-output/reco-ranker/v2"), "/opt/model", 0644, p -> true)
                .writeTo(dir.resolve("app-layer.tar"));
        ImageConfig config = DockerArchive.read(base.archive()).config()
                .withEnv(Map.of("PYTHONPATH", "/app/src", "MODEL_DIR", "/opt/model", "PORT", "8080"))
                .withEntrypoint(List.of("python3", "-m", "reco.server"), List.of())
                .withUser(String.valueOf(PythonBaseImage.NONROOT_UID))
                .withWorkingDir("/app");
        Path image = dir.resolve("reco-service.tar");
        DockerArchive.appendLayer(base.archive(), layer, config, "localhost/mlship-test/reco-service:v2",
                "example service code and model", image);
        return image;
    }

    /** A GET that closes its connection, like a client that is done (keep-alive would delay the graceful stop). */
    private static Response get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            c.setConnectTimeout(5000);
            c.setReadTimeout(10000);
            c.setRequestProperty("Connection", "close");
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } finally {
            c.disconnect();
        }
    }

    private record Response(int statusCode, String body) {
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
