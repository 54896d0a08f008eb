package io.mlship.sandbox.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PythonBaseImageTest {
    @TempDir
    Path tmp;

    @Test
    void theSameMachineGivesTheSameImageAndTheCacheIsReused() throws IOException {
        PythonBaseImage.BaseImage shared = TestImages.base();
        PythonBaseImage.BaseImage fresh = new PythonBaseImage(tmp, System.err).ensure();
        assertThat(fresh.reused()).isFalse();
        assertThat(fresh.configDigest()).isEqualTo(shared.configDigest());
        assertThat(fresh.key()).isEqualTo(shared.key());
        assertThat(Files.readAllBytes(fresh.archive())).isEqualTo(Files.readAllBytes(shared.archive()));

        PythonBaseImage.BaseImage again = new PythonBaseImage(tmp, new PrintStream(PrintStream.nullOutputStream()))
                .ensure();
        assertThat(again.reused()).isTrue();
        assertThat(again.archive()).isEqualTo(fresh.archive());
        assertThat(again.configDigest()).isEqualTo(fresh.configDigest());
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(fresh.archive().getFileName()
                    .toString()); // no temporary files left behind
        }
    }

    @Test
    void holdsPythonItsLibrariesANonRootUserAndNoDocumentation() throws IOException {
        PythonBaseImage.BaseImage base = TestImages.base();
        DockerArchive.Contents c = DockerArchive.read(base.archive());
        assertThat(c.repoTag()).isEqualTo("localhost/mlship/python-base:" + base.pythonVersion());
        assertThat(c.diffIds()).hasSize(1);
        assertThat(c.config().user()).isEqualTo("65532");
        assertThat(c.config().cmd()).containsExactly("python3");
        assertThat(c.config().labels().get(PythonBaseImage.PACKAGES_LABEL))
                .contains("python" + base.pythonVersion() + "-minimal=", "libc6=", "libssl3=", "libsqlite3-0=");
        assertThat(base.packages()).contains(c.config().labels().get(PythonBaseImage.PACKAGES_LABEL).split(" "));

        Path layer = tmp.resolve("layer.tar");
        Files.write(layer, DockerArchiveTest.entry(base.archive(), c.layerPaths().get(0)));
        Map<String, TarArchiveEntry> entries = LayerBuilderTest.entries(layer).stream()
                .collect(Collectors.toMap(TarArchiveEntry::getName, Function.identity()));
        String py = "python" + base.pythonVersion();
        assertThat(entries).containsKeys("usr/bin/" + py, "usr/bin/python3", "usr/lib/" + py + "/json/__init__.py",
                "usr/lib/" + py + "/http/server.py", "usr/lib/x86_64-linux-gnu/libc.so.6", "etc/passwd",
                "usr/share/doc/libc6/copyright");
        assertThat(entries.get("lib64").isSymbolicLink()).isTrue();
        assertThat(entries.get("tmp/").getMode() & 07777).isEqualTo(01777);
        assertThat(entries.get("home/nonroot/").getLongUserId()).isEqualTo(65532);
        assertThat(entries.get("usr/bin/" + py).getMode() & 0777).isEqualTo(0755);
        assertThat(entries.keySet()).noneMatch(n -> n.startsWith("usr/share/man/") || n.startsWith("usr/share/locale/")
                || n.startsWith("usr/share/doc/") && !n.endsWith("/") && !n.endsWith("/copyright"));
        assertThat(entries.values()).allMatch(e -> e.getLastModifiedTime().equals(LayerBuilder.FIXED_TIME));
        List<String> names = entries.keySet().stream().sorted().toList();
        assertThat(names).as("no path through a merged-/usr link").noneMatch(n -> n.startsWith("lib/")
                || n.startsWith("bin/") || n.startsWith("lib64/") || n.startsWith("sbin/"));
    }
}
