package io.mlship.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A hash of a folder's content as it goes into a layer: each entry's relative path, kind, executable bit and bytes,
 * in sorted order. Paths outside the folder, modification times and owners do not count, so a fresh checkout of the
 * same files anywhere gives the same hash. For a site-packages folder, a file pip recorded (its package's RECORD
 * gives its SHA-256 and size, and the size on disk matches) counts by that recorded hash instead of being read:
 * hundreds of megabytes of installed packages are recognised from their RECORDs. Other files are read, in parallel.
 */
final class FolderHash {
    private static final Set<PosixFilePermission> ANY_EXECUTE = Set.of(PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);

    private FolderHash() {
    }

    static String of(Path folder) throws IOException {
        return of(folder, InstalledRecords.of(folder));
    }

    static String of(Path folder, InstalledRecords records) throws IOException {
        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry(folder, "", Files.readAttributes(folder, PosixFileAttributes.class)));
        walk(folder, "", entries);
        entries.sort(Comparator.comparing(Entry::path));
        // Only files no RECORD vouches for are read; those reads, not the listing, are worth spreading over cores.
        String[] read = new String[entries.size()];
        try {
            IntStream.range(0, read.length).parallel()
                    .filter(i -> !entries.get(i).attrs().isDirectory() && entries.get(i).recorded(records).isEmpty())
                    .forEach(i -> read[i] = readHash(entries.get(i).path()));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        MessageDigest all = sha256();
        for (int i = 0; i < read.length; i++) {
            all.update(line(entries.get(i), records, read[i]).getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(all.digest());
    }

    /**
     * One entry of the folder: its path, its path relative to the folder ('/'-separated, built during the walk rather
     * than by relativizing every path) and its attributes, a link's being those of what it points to.
     */
    private record Entry(Path path, String relative, PosixFileAttributes attrs) {
        Optional<InstalledRecords.Recorded> recorded(InstalledRecords records) {
            return records.vouchedFor(relative, attrs.size());
        }
    }

    /**
     * The folder's entries but those a layer leaves out (see {@link LayerPlanner#skippedName}), one stat each (two for
     * a link: a layer copies what it points to). A link to a folder counts as that folder but is not entered, as a
     * layer does not follow it either.
     */
    private static void walk(Path dir, String relative, List<Entry> entries) throws IOException {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (LayerPlanner.skippedName(name)) {
                    continue;
                }
                String childRelative = relative.isEmpty() ? name : relative + "/" + name;
                PosixFileAttributes own = Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                entries.add(new Entry(child, childRelative, own.isSymbolicLink()
                        ? Files.readAttributes(child, PosixFileAttributes.class) : own));
                if (own.isDirectory()) {
                    walk(child, childRelative, entries);
                }
            }
        }
    }

    /**
     * What the hash takes of one entry: its path, kind (directory, executable or plain file) and content, the
     * content as pip recorded it or as read now. One line, NUL-separated: a path cannot hold a NUL.
     */
    private static String line(Entry entry, InstalledRecords records, String readHash) {
        if (entry.attrs().isDirectory()) {
            return entry.relative() + "\0d\0\0";
        }
        String kind = entry.attrs().permissions().stream().anyMatch(ANY_EXECUTE::contains) ? "x" : "f";
        // Read exactly when no RECORD row vouched for it (see of).
        String content = readHash != null ? "read " + readHash
                : "recorded " + entry.recorded(records).orElseThrow().hash() + " " + entry.attrs().size();
        return entry.relative() + "\0" + kind + "\0" + content + "\0";
    }

    private static String readHash(Path file) {
        try {
            return contentHash(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA-256 of a file's bytes, hex. */
    static String contentHash(Path file) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
