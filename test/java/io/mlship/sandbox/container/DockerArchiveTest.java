package io.mlship.sandbox.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerArchiveTest {
    @TempDir
    Path tmp;

    @Test
    void writesTheDockerSaveLayoutAndReadsItBack() throws IOException {
        Layer base = new LayerBuilder().file("/etc/hostname", "x\n".getBytes(), 0644).writeTo(tmp.resolve("b.tar"));
        ImageConfig config = ImageConfig.empty().withEnv(Map.of("B", "2", "A", "1")).withUser("65532")
                .withEntrypoint(List.of(), List.of("python3"));
        String digest = DockerArchive.write(tmp.resolve("img.tar"), "localhost/t/base:1", "amd64", config,
                List.of(base), "test");

        DockerArchive.Contents c = DockerArchive.read(tmp.resolve("img.tar"));
        assertThat(c.configDigest()).isEqualTo(digest);
        assertThat(c.repoTag()).isEqualTo("localhost/t/base:1");
        assertThat(c.diffIds()).containsExactly(base.diffId());
        assertThat(c.layerPaths()).containsExactly(base.diffId().substring(7) + "/layer.tar");
        assertThat(c.config()).isEqualTo(config);
        assertThat(c.architecture()).isEqualTo("amd64");
        // The config is named by its own digest, as docker save does.
        byte[] configJson = entry(tmp.resolve("img.tar"), digest.substring(7) + ".json");
        assertThat("sha256:" + HexFormat.of().formatHex(LayerBuilder.sha256().digest(configJson))).isEqualTo(digest);
        assertThat(entry(tmp.resolve("img.tar"), c.layerPaths().get(0))).isEqualTo(Files.readAllBytes(base.tar()));
    }

    @Test
    void appendingALayerKeepsTheBaseLayersAndIsReproducible() throws IOException {
        Layer base = new LayerBuilder().file("/etc/hostname", "x\n".getBytes(), 0644).writeTo(tmp.resolve("b.tar"));
        DockerArchive.write(tmp.resolve("base.tar"), "localhost/t/base:1", "amd64", ImageConfig.empty()
                .withEnv(Map.of("PATH", "/usr/bin")), List.of(base), "base");
        Layer app = new LayerBuilder().file("/app/main.py", "print(1)\n".getBytes(), 0644).writeTo(tmp.resolve("a.tar"));
        DockerArchive.Contents b = DockerArchive.read(tmp.resolve("base.tar"));
        ImageConfig appConfig = b.config().withEnv(Map.of("PORT", "8080"))
                .withEntrypoint(List.of("python3", "/app/main.py"), List.of());
        String one = DockerArchive.appendLayer(tmp.resolve("base.tar"), app, appConfig, "localhost/t/app:1", "app",
                tmp.resolve("app1.tar"));
        String two = DockerArchive.appendLayer(tmp.resolve("base.tar"), app, appConfig, "localhost/t/app:1", "app",
                tmp.resolve("app2.tar"));

        assertThat(two).isEqualTo(one);
        assertThat(Files.readAllBytes(tmp.resolve("app2.tar"))).isEqualTo(Files.readAllBytes(tmp.resolve("app1.tar")));
        DockerArchive.Contents c = DockerArchive.read(tmp.resolve("app1.tar"));
        assertThat(c.diffIds()).containsExactly(base.diffId(), app.diffId());
        assertThat(c.config().env()).containsEntry("PATH", "/usr/bin").containsEntry("PORT", "8080");
        assertThat(c.config().entrypoint()).containsExactly("python3", "/app/main.py");
        assertThat(entry(tmp.resolve("app1.tar"), c.layerPaths().get(0))).isEqualTo(Files.readAllBytes(base.tar()));
        assertThat(new String(entry(tmp.resolve("app1.tar"), one.substring(7) + ".json")))
                .contains("\"created_by\":\"base\"", "\"created_by\":\"app\"");
    }

    static byte[] entry(Path archive, String name) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals(name)) {
                    return in.readAllBytes();
                }
            }
        }
        throw new AssertionError(archive + " has no entry " + name);
    }
}
