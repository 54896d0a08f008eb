package io.mlship.sandbox.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.sandbox.container.OciTars.Entry;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unpacking an image's layers the way an overlay file system stacks them, and never outside the folder. */
class RootFsTest {
    @TempDir
    Path tmp;

    @Test
    void upperLayersReplaceAndDeleteWhatLowerLayersHold() throws Exception {
        Path tar = tmp.resolve("image.tar");
        String digest = OciTars.write(tar, "{\"Env\":[\"PYTHONPATH=/app/src\"],\"Entrypoint\":[\"python3\",\"-m\",\"svc\"],\"WorkingDir\":\"/app\"}", List.of(
                List.of(Entry.dir("app/"), Entry.file("app/old.py", "old"), Entry.file("app/keep.py", "v1"),
                        Entry.dir("cache/"), Entry.file("cache/a", "a"), Entry.file("cache/b", "b")),
                List.of(Entry.file("app/keep.py", "v2"), Entry.file("app/.wh.old.py", ""),
                        Entry.file("cache/.wh..wh..opq", ""), Entry.file("cache/c", "c"),
                        new Entry("app/run.sh", "#!/bin/sh\n", 0755, null, false),
                        Entry.symlink("app/current", "keep.py"), Entry.hardLink("app/same.py", "app/keep.py"))));

        OciArchive.Contents image = OciArchive.read(tar);
        Path root = RootFs.ensure(image, tmp.resolve("rootfs"));

        assertThat(image.manifestDigest()).isEqualTo(digest);
        assertThat(image.config().entrypoint()).containsExactly("python3", "-m", "svc");
        assertThat(image.config().workingDir()).isEqualTo("/app");
        assertThat(root.resolve("app/keep.py")).hasContent("v2");
        assertThat(root.resolve("app/same.py")).hasContent("v2");
        assertThat(root.resolve("app/old.py")).doesNotExist();
        assertThat(root.resolve("cache/a")).doesNotExist();
        assertThat(root.resolve("cache/c")).hasContent("c");
        assertThat(Files.readSymbolicLink(root.resolve("app/current"))).isEqualTo(Path.of("keep.py"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("app/run.sh")))).isEqualTo("rwxr-xr-x");
        assertThat(tmp.resolve("rootfs.partial")).doesNotExist();
    }

    @Test
    void namesAndLinksThatLeaveTheFolderWriteNothingOutsideIt() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path tar = tmp.resolve("evil.tar");
        OciTars.write(tar, "{}", List.of(List.of(
                Entry.file("../escaped.txt", "x"),
                Entry.file("/abs/../../escaped2.txt", "x"),
                Entry.symlink("door", outside.toString()),
                Entry.file("door/through.txt", "x"),
                Entry.file("fine.txt", "ok"))));

        Path root = RootFs.ensure(OciArchive.read(tar), tmp.resolve("root/rootfs"));

        assertThat(root.resolve("fine.txt")).hasContent("ok");
        assertThat(tmp.resolve("escaped.txt")).doesNotExist();
        assertThat(tmp.resolve("root/escaped.txt")).doesNotExist();
        assertThat(tmp.resolve("root/escaped2.txt")).doesNotExist();
        assertThat(outside.resolve("through.txt")).doesNotExist();
        assertThat(Files.isSymbolicLink(root.resolve("door"))).isTrue();
        RootFs.delete(root);
        assertThat(outside).exists().isDirectory(); // a link is removed, never followed
        assertThat(Files.exists(root, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }
}
