package io.mlship.sandbox.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.sandbox.container.OciTars;
import io.mlship.sandbox.container.OciTars.Entry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The images folder is found by the digests deploys use, and a rebuilt tar is seen again. */
class ImageStoreTest {
    @TempDir
    Path tmp;
    final PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());

    @Test
    void imagesAreFoundByManifestDigestFromAnImageReference() throws Exception {
        String one = OciTars.write(tmp.resolve("one.tar"), "{\"Cmd\":[\"a\"]}", List.of(List.of(Entry.file("a", "1"))));
        String two = OciTars.write(tmp.resolve("two.tar"), "{\"Cmd\":[\"b\"]}", List.of(List.of(Entry.file("b", "2"))));
        Files.writeString(tmp.resolve("notes.txt"), "not an image");
        Files.writeString(tmp.resolve("half-written.tar"), "garbage");
        ImageStore store = new ImageStore(tmp, quiet);

        assertThat(store.digests()).containsOnlyKeys(tmp.resolve("one.tar"), tmp.resolve("two.tar"));
        assertThat(store.has("europe-west4-docker.pkg.dev/p/r/svc@" + two)).isTrue();
        assertThat(store.has("europe-west4-docker.pkg.dev/p/r/svc:latest")).isFalse();
        assertThat(store.has("svc@sha256:" + "0".repeat(64))).isFalse();
        assertThat(store.find(one).orElseThrow().config().cmd()).containsExactly("a");
        assertThat(ImageStore.digestOf("host:5000/r/svc@" + one)).hasValue(one);
    }

    @Test
    void aTarRebuiltUnderTheSameNameIsIndexedAgain() throws Exception {
        Path tar = tmp.resolve("svc.tar");
        String first = OciTars.write(tar, "{\"Cmd\":[\"v1\"]}", List.of(List.of(Entry.file("a", "1"))));
        ImageStore store = new ImageStore(tmp, quiet);
        assertThat(store.has("svc@" + first)).isTrue();

        String second = OciTars.write(tar, "{\"Cmd\":[\"v2\"]}", List.of(List.of(Entry.file("a", "22"))));
        Files.setLastModifiedTime(tar, FileTime.fromMillis(System.currentTimeMillis() + 5000));

        assertThat(store.has("svc@" + second)).isTrue();
        assertThat(store.has("svc@" + first)).isFalse();
    }
}
