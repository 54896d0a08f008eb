package io.mlship.sandbox.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerBuilderTest {
    @TempDir
    Path tmp;

    @Test
    void sameContentGivesTheSameBytesWhateverTheOrderOfAdding() throws IOException {
        Path source = Files.writeString(tmp.resolve("a.py"), "print('a')\n");
        Layer one = new LayerBuilder()
                .file("/app/src/a.py", source, 0644)
                .file("/app/b.txt", "b".getBytes(StandardCharsets.UTF_8), 0600)
                .symlink("/app/link", "src/a.py")
                .writeTo(tmp.resolve("one.tar"));
        Layer two = new LayerBuilder()
                .symlink("app/link", "src/a.py")
                .file("app/b.txt", "b".getBytes(StandardCharsets.UTF_8), 0600)
                .file("app/src/a.py", source, 0644)
                .writeTo(tmp.resolve("two.tar"));
        assertThat(two.diffId()).isEqualTo(one.diffId()).startsWith("sha256:");
        assertThat(Files.readAllBytes(two.tar())).isEqualTo(Files.readAllBytes(one.tar()));
        assertThat(one.size()).isEqualTo(Files.size(one.tar()));
    }

    @Test
    void entriesAreSortedWithImpliedParentsFixedTimesAndNumericOwners() throws IOException {
        Layer layer = new LayerBuilder()
                .file("/z/file", new byte[] {1, 2}, 0755)
                .directory("/tmp", 01777)
                .directory("/home/nonroot", 0755, 65532, 65532)
                .symlink("/lib", "usr/lib")
                .writeTo(tmp.resolve("l.tar"));
        List<TarArchiveEntry> entries = entries(layer.tar());
        assertThat(entries).extracting(TarArchiveEntry::getName)
                .containsExactly("home/", "home/nonroot/", "lib", "tmp/", "z/", "z/file");
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.getLastModifiedTime()).isEqualTo(LayerBuilder.FIXED_TIME);
            assertThat(e.getUserName()).isEmpty();
        });
        assertThat(entries.get(1).getLongUserId()).isEqualTo(65532);
        assertThat(entries.get(2).isSymbolicLink()).isTrue();
        assertThat(entries.get(2).getLinkName()).isEqualTo("usr/lib");
        assertThat(entries.get(3).getMode() & 07777).isEqualTo(01777);
        assertThat(entries.get(5).getMode() & 07777).isEqualTo(0755);
        assertThat(entries.get(5).getSize()).isEqualTo(2);
    }

    @Test
    void aPathCannotBeBothALinkAndADirectory() {
        LayerBuilder layer = new LayerBuilder().symlink("/lib", "usr/lib");
        assertThatThrownBy(() -> layer.file("/lib/x.so", new byte[0], 0644))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/lib");
        assertThatThrownBy(() -> layer.file("/app/../etc/passwd", new byte[0], 0644))
                .hasMessageContaining("not a plain absolute path");
    }

    @Test
    void treeCopiesFilesKeepsExecutablesAndSkipsWhatTheFilterRejects() throws IOException {
        Path src = Files.createDirectories(tmp.resolve("src/pkg/__pycache__"));
        Files.writeString(src.getParent().resolve("mod.py"), "x = 1\n");
        Files.writeString(src.resolve("mod.cpython-311.pyc"), "junk");
        Path tool = Files.writeString(src.getParent().resolve("run.sh"), "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        Layer layer = new LayerBuilder()
                .tree(tmp.resolve("src"), "/app/src", 0644, p -> !p.getFileName().toString().equals("__pycache__"))
                .writeTo(tmp.resolve("t.tar"));
        List<TarArchiveEntry> entries = entries(layer.tar());
        assertThat(entries).extracting(TarArchiveEntry::getName)
                .containsExactly("app/", "app/src/", "app/src/pkg/", "app/src/pkg/mod.py", "app/src/pkg/run.sh");
        assertThat(entries.get(3).getMode() & 0777).isEqualTo(0644);
        assertThat(entries.get(4).getMode() & 0777).isEqualTo(0755);
    }

    static List<TarArchiveEntry> entries(Path tar) throws IOException {
        List<TarArchiveEntry> out = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.add(e);
            }
        }
        return out;
    }
}
