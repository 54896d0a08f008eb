package io.mlship.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * A hash of a folder's content as it goes into a layer: each entry's relative path, kind, executable bit and bytes,
 * in sorted order. Paths outside the folder, modification times and owners do not count, so a fresh checkout of the
 * same files anywhere gives the same hash. Files are read in parallel: hashing hundreds of megabytes is the cost
 * of recognising unchanged dependencies without compressing them.
 */
final class FolderHash {
    private FolderHash() {
    }

    static String of(Path folder) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(folder)) {
            paths = walk.filter(p -> !LayerPlanner.skipped(folder, p)).sorted().toList();
        }
        List<byte[]> digests;
        try {
            digests = paths.parallelStream().map(p -> entryDigest(folder, p)).toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        MessageDigest all = sha256();
        digests.forEach(all::update);
        return HexFormat.of().formatHex(all.digest());
    }

    private static byte[] entryDigest(Path folder, Path path) {
        MessageDigest sha = sha256();
        boolean directory = Files.isDirectory(path);
        try {
            String kind = directory ? "d" : LayerPlanner.permissionsOf(path) == LayerPlanner.EXECUTABLE ? "x" : "f";
            String head = folder.relativize(path).toString().replace('\\', '/') + "\0" + kind + "\0";
            sha.update(head.getBytes(StandardCharsets.UTF_8));
            if (!directory) {
                byte[] buffer = new byte[1 << 16];
                try (InputStream in = Files.newInputStream(path)) {
                    for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                        sha.update(buffer, 0, n);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sha.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
