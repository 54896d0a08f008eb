package io.mlship.sandbox.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The sandbox's objects are files: {@code <root>/<bucket>/<name>}. This reads them as Cloud Storage describes
 * objects — name, size, generation, and the {@code crc32c} and {@code md5Hash} checksums (base64 of the big-endian
 * CRC32C and of the MD5), as the JSON API gives them.
 */
final class ObjectFiles {
    private final Path root;

    ObjectFiles(Path root) {
        this.root = root;
    }

    Path bucket(String bucket) {
        return root.resolve(bucket);
    }

    /** The file of object {@code name}, or null when the name would leave its bucket. */
    Path file(String bucket, String name) {
        Path dir = bucket(bucket).normalize();
        Path f = dir.resolve(name).normalize();
        return f.startsWith(dir) && !f.equals(dir) ? f : null;
    }

    /** Every object name in the bucket, sorted as Cloud Storage lists them (by name, byte order). */
    List<String> names(String bucket) throws IOException {
        Path dir = bucket(bucket);
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> out.add(dir.relativize(f).toString().replace('\\', '/')));
        }
        out.sort(null);
        return out;
    }

    /** The object resource of the JSON API for one file. */
    Map<String, Object> resource(String bucket, String name) throws IOException {
        Path f = file(bucket, name);
        long generation = Files.getLastModifiedTime(f).toMillis() * 1000;
        String time = Instant.ofEpochMilli(generation / 1000).toString();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "storage#object");
        r.put("id", bucket + "/" + name + "/" + generation);
        r.put("name", name);
        r.put("bucket", bucket);
        r.put("generation", Long.toString(generation));
        r.put("metageneration", "1");
        r.put("contentType", "application/octet-stream");
        r.put("storageClass", "STANDARD");
        r.put("size", Long.toString(Files.size(f)));
        Checksums sums = checksums(f);
        r.put("md5Hash", sums.md5());
        r.put("crc32c", sums.crc32c());
        r.put("etag", sums.md5());
        r.put("timeCreated", time);
        r.put("updated", time);
        return r;
    }

    record Checksums(String crc32c, String md5) {
    }

    static Checksums checksums(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        MessageDigest md5;
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
                md5.update(buf, 0, n);
            }
        }
        long v = crc.getValue();
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        return new Checksums(Base64.getEncoder().encodeToString(b), Base64.getEncoder().encodeToString(md5.digest()));
    }
}
