package io.mlship.sandbox.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which container paths the process runtime maps into the unpacked image, and which it leaves alone. */
class ProcessRuntimePathsTest {
    @TempDir
    Path tmp;

    @Test
    void containerPathsGoToTheImageAndOtherValuesStay() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("rootfs"));
        Files.createDirectories(root.resolve("app/src"));
        Files.createDirectories(root.resolve("opt/python-deps"));
        Files.writeString(root.resolve("app/run.sh"), "#!/bin/sh\n");
        ProcessRuntime.PathMapper paths = new ProcessRuntime.PathMapper(root);

        assertThat(paths.value("/app/src")).as("in the image").isEqualTo(root + "/app/src");
        assertThat(paths.value("/app/src:/opt/python-deps")).isEqualTo(root + "/app/src:" + root + "/opt/python-deps");
        assertThat(paths.value("/mnt/models/v2")).as("a tree the image lacks: nothing of the host is mounted there")
                .isEqualTo("/mnt/models/v2");
        assertThat(paths.value("/opt/model")).as("missing from a tree the image has: fails as in a pod")
                .isEqualTo(root + "/opt/model");
        assertThat(paths.value("/predict")).isEqualTo("/predict");
        assertThat(paths.value("http://x:8080/a")).isEqualTo("http://x:8080/a");
        assertThat(paths.value("0.0.0.0")).isEqualTo("0.0.0.0");
        assertThat(paths.program("python3")).isEqualTo("python3");
        assertThat(paths.program("/usr/local/bin/python3")).as("programs are the host's").isEqualTo("python3");
        assertThat(paths.program("/app/run.sh")).as("a script of the image").isEqualTo(root + "/app/run.sh");
    }
}
