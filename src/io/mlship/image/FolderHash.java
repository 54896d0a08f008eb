package io.mlship.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

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
        List<Path> paths = walk(folder);
        List<String> lines;
        try {
            lines = paths.parallelStream().map(p -> line(folder, p, records)).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        MessageDigest all = sha256();
        lines.forEach(line -> all.update(line.getBytes(StandardCharsets.UTF_8)));
        return HexFormat.of().formatHex(all.digest());
    }

    /** The folder's entries but those a layer leaves out (see {@link LayerPlanner#skippedName}), sorted. */
    private static List<Path> walk(Path folder) throws IOException {
        List<Path> paths = new ArrayList<>();
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(folder) && LayerPlanner.skippedName(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                paths.add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (!LayerPlanner.skippedName(file.getFileName().toString())) {
                    paths.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        paths.sort(null);
        return paths;
    }

    /**
     * What the hash takes of one entry: its path, kind (directory, executable or plain file) and content, the
     * content as pip recorded it or as read now. One line, NUL-separated: a path cannot hold a NUL.
     */
    private static String line(Path folder, Path path, InstalledRecords records) {
        try {
            // One stat gives kind, size and mode; it follows links, as a layer copies what a link points to.
            PosixFileAttributes attrs = Files.readAttributes(path, PosixFileAttributes.class);
            String relative = folder.relativize(path).toString().replace('\\', '/');
            if (attrs.isDirectory()) {
                return relative + "\0d\0\0";
            }
            String kind = attrs.permissions().stream().anyMatch(ANY_EXECUTE::contains) ? "x" : "f";
            Optional<InstalledRecords.Recorded> recorded = records.vouchedFor(relative, attrs.size());
            String content = recorded.isPresent() ? "recorded " + recorded.get().hash() + " " + recorded.get().size()
                    : "read " + contentHash(path);
            return relative + "\0" + kind + "\0" + content + "\0";
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
