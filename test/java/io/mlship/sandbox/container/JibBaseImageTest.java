package io.mlship.sandbox.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The base image works as a Jib tar base (the way the build uses it), and what Jib makes from it runs under
 * podman: Jib and podman both read the archive as written.
 */
class JibBaseImageTest {
    @TempDir
    Path tmp;

    @Test
    void jibBuildsOnTheOfflineBaseAndTheResultRunsUnderPodman() throws Exception {
        PythonBaseImage.BaseImage base = TestImages.base();
        Path script = Files.writeString(tmp.resolve("hello.py"),
                "import os, sys\nprint('hello from jib', os.getuid(), sys.version_info[:2])\n");
        Path out = tmp.resolve("jib-image.tar");
        JibContainer built = Jib.from(TarImage.at(base.archive()).named(base.repoTag()))
                .addFileEntriesLayer(FileEntriesLayer.builder().setName("app")
                        .addEntry(script, AbsoluteUnixPath.get("/app/hello.py"), FilePermissions.fromOctalString("644"),
                                Instant.ofEpochSecond(1))
                        .build())
                .setEntrypoint(List.of("python3", "/app/hello.py"))
                .setCreationTime(Instant.EPOCH)
                .containerize(Containerizer.to(TarImage.at(out).named("localhost/mlship-test/jib-hello:1"))
                        .setToolName("mlship-test")
                        .setToolVersion("0")
                        .setBaseImageLayersCache(tmp.resolve("jib-cache/base"))
                        .setApplicationLayersCache(tmp.resolve("jib-cache/app")));
        assertThat(built.getImageId().toString()).startsWith("sha256:");

        Podman podman = TestImages.podman();
        String id = podman.load(out);
        Exec.Result r = podman.runToCompletion(id, List.of(), Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).contains("hello from jib 65532 (" + base.pythonVersion().replace(".", ", ") + ")");
    }
}
