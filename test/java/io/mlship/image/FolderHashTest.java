package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content hash that names a dependency image: the same files anywhere give the same hash; a file pip recorded
 * counts by its RECORD row (hash and size) instead of its bytes; anything RECORD does not vouch for is read.
 */
class FolderHashTest {
    @TempDir
    Path tmp;

    /** A site-packages folder as pip leaves it: files, and a RECORD with each one's hash and size. */
    private Path site(String name) throws Exception {
        Path site = Files.createDirectories(tmp.resolve(name));
        write(site, "fastmath/__init__.py", "from ._core import *\n");
        write(site, "fastmath/_core.so", "\u007fELF compiled code");
        write(site, "fastmath-2.1.0.dist-info/METADATA", "Name: fastmath\nVersion: 2.1.0\n");
        record(site, "fastmath-2.1.0.dist-info", List.of("fastmath/__init__.py", "fastmath/_core.so",
                "fastmath-2.1.0.dist-info/METADATA"), "../../../bin/fastmath,sha256=AAAA,12\n");
        return site;
    }

    private static void write(Path site, String path, String text) throws IOException {
        Path file = site.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** RECORD as pip writes it: path, sha256=urlsafe-base64 without padding, size; RECORD itself unhashed. */
    private static void record(Path site, String distInfo, List<String> files, String extraRows) throws Exception {
        StringBuilder rows = new StringBuilder();
        for (String f : files) {
            byte[] data = Files.readAllBytes(site.resolve(f));
            String hash = Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
            rows.append(f).append(",sha256=").append(hash).append(',').append(data.length).append('\n');
        }
        rows.append(extraRows).append(distInfo).append("/RECORD,,\n");
        Files.writeString(site.resolve(distInfo).resolve("RECORD"), rows.toString(), StandardCharsets.UTF_8);
    }

    @Test
    void theSameFilesElsewhereWithOtherTimesGiveTheSameHash() throws Exception {
        Path one = site("one");
        Path two = site("two");
        Files.setLastModifiedTime(two.resolve("fastmath/__init__.py"), FileTime.fromMillis(0));
        Files.createDirectories(two.resolve("fastmath/__pycache__"));
        Files.writeString(two.resolve("fastmath/__pycache__/__init__.cpython-312.pyc"), "bytecode written by an import");

        assertThat(FolderHash.of(two)).isEqualTo(FolderHash.of(one));
    }

    @Test
    void aRecordedFileCountsByItsRecordAndAnyOtherChangeIsSeen() throws Exception {
        Path site = site("site");
        String before = FolderHash.of(site);

        // Same size, other bytes, RECORD unchanged: known by its row, not read (a reinstall rewrites RECORD too).
        Files.writeString(site.resolve("fastmath/_core.so"), "\u007fELF patched  code");
        assertThat(FolderHash.of(site)).isEqualTo(before);

        // Another size no longer matches the row: the file is read, and the change is seen.
        Files.writeString(site.resolve("fastmath/_core.so"), "\u007fELF compiled code, longer");
        String resized = FolderHash.of(site);
        assertThat(resized).isNotEqualTo(before);

        // A file no RECORD lists is always read.
        write(site, "local_patch.py", "x = 1\n");
        String added = FolderHash.of(site);
        write(site, "local_patch.py", "x = 2\n");
        assertThat(FolderHash.of(site)).isNotEqualTo(added).isNotEqualTo(resized);

        // The executable bit goes into the layer, so into the hash.
        String plain = FolderHash.of(site);
        Files.setPosixFilePermissions(site.resolve("local_patch.py"), PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(FolderHash.of(site)).isNotEqualTo(plain);
    }

    @Test
    void aMalformedRecordVouchesForNothingAndItsFilesAreRead() throws Exception {
        Path site = site("malformed");
        Path record = site.resolve("fastmath-2.1.0.dist-info/RECORD");
        Files.writeString(record, Files.readString(record).replace(",21\n", ",twenty-one\n"));
        String before = FolderHash.of(site);

        Files.writeString(site.resolve("fastmath/__init__.py"), "from ._core import f\n");

        assertThat(FolderHash.of(site)).isNotEqualTo(before);
        assertThat(InstalledRecords.of(site).size()).isZero();
    }

    @Test
    void rowsOutsideTheFolderAndRowsWithoutHashAreNotTaken() throws Exception {
        InstalledRecords records = InstalledRecords.of(site("rows"));

        assertThat(records.size()).isEqualTo(3);
        assertThat(records.vouchedFor("../../../bin/fastmath", 12)).isEmpty();
        assertThat(records.vouchedFor("fastmath-2.1.0.dist-info/RECORD", 0)).isEmpty();
        assertThat(records.vouchedFor("fastmath/__init__.py", 21)).isPresent();
        assertThat(records.vouchedFor("fastmath/__init__.py", 22)).isEmpty();
    }

    @Test
    void theHashIsTheDocumentedLinesOfTheSortedEntries() throws Exception {
        Path site = site("layout");
        // Sorted as paths, not walked in order: "a-c" sorts before "a/b" ('-' < '/').
        write(site, "a/b", "in a folder");
        write(site, "a-c", "beside it");
        write(site, "bin/tool", "#!/bin/sh\n");
        Files.setPosixFilePermissions(site.resolve("bin/tool"), PosixFilePermissions.fromString("rwxr-x---"));
        write(site, "a/__pycache__/b.cpython-312.pyc", "left out with its folder");
        write(site, "a/stale.pyc", "left out");
        Files.createSymbolicLink(site.resolve("link-to-file"), site.resolve("a-c"));
        Files.createSymbolicLink(site.resolve("link-to-folder"), site.resolve("a"));

        assertThat(FolderHash.of(site)).isEqualTo(documentedHash(site, InstalledRecords.of(site)));
    }

    /**
     * The hash spelled out as the class documents it, the slow way: every entry but left-out names (a link to a
     * folder is not entered), sorted as paths; per entry "path NUL kind NUL content NUL", a link taking its target's
     * kind and bytes. A dependency image is named by this hash, so any change to it would rebuild every one.
     */
    private static String documentedHash(Path folder, InstalledRecords records) throws Exception {
        List<Path> paths;
        try (var walk = Files.walk(folder)) {
            paths = walk.filter(p -> StreamSupport.stream(folder.relativize(p).spliterator(), false)
                    .noneMatch(part -> LayerPlanner.skippedName(part.toString()))).sorted().toList();
        }
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        for (Path p : paths) {
            String relative = folder.relativize(p).toString();
            String line;
            if (Files.isDirectory(p)) {
                line = relative + "\0d\0\0";
            } else {
                boolean executable = Files.getPosixFilePermissions(p).stream().anyMatch(x -> x.name().endsWith("EXECUTE"));
                var row = records.vouchedFor(relative, Files.size(p));
                String content = row.isPresent() ? "recorded " + row.get().hash() + " " + row.get().size()
                        : "read " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
                line = relative + "\0" + (executable ? "x" : "f") + "\0" + content + "\0";
            }
            all.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(all.digest());
    }
}
