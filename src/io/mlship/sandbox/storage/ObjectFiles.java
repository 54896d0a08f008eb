package io.mlship.sandbox.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The sandbox's objects are files: {@code <root>/<bucket>/<name>}. This reads them as Cloud Storage describes
 * objects — name, size, generation, and the {@code crc32c} and {@code md5Hash} checksums (base64 of the big-endian
 * CRC32C and of the MD5), as the JSON API gives them — and writes uploads into place.
 *
 * <p>An object's generation is its file's modification time in microseconds, so it changes with every write.
 * Uploads are staged in {@code <root>/.uploads}, a name no bucket can have, and moved into place when complete.
 */
final class ObjectFiles {
    /** Bucket names as Cloud Storage allows them (lower case, digits, '-', '_', '.'; a letter or digit first). */
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,221}");

    private final Path root;
    /** Checksums by file, kept while the file's size and time are unchanged: a listing need not reread it. */
    private final Map<Path, Known> sums = new ConcurrentHashMap<>();

    private record Known(long size, FileTime modified, Checksums checksums) {
    }

    record Checksums(String crc32c, String md5) {
    }

    ObjectFiles(Path root) {
        this.root = root;
    }

    /** The bucket's folder; 404 when the name is not a bucket name or no such folder exists. */
    Path bucket(String bucket) {
        if (!BUCKET_NAME.matcher(bucket).matches() || !Files.isDirectory(root.resolve(bucket))) {
            throw ApiError.notFound("The specified bucket does not exist: " + bucket);
        }
        return root.resolve(bucket);
    }

    /** Names of every bucket, sorted. */
    List<String> buckets() throws IOException {
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                        .filter(n -> BUCKET_NAME.matcher(n).matches()).sorted().forEach(out::add);
            }
        }
        return out;
    }

    /** Makes bucket {@code name}'s folder; 409 when it exists, 400 when the name is not a bucket name. */
    void createBucket(String name) throws IOException {
        if (name == null || !BUCKET_NAME.matcher(name).matches()) {
            throw ApiError.invalid("Invalid bucket name: '" + name + "' (lower-case letters, digits, '-', '_' and '.', "
                    + "3 to 222 characters, starting with a letter or digit)");
        }
        Path dir = root.resolve(name);
        if (Files.isDirectory(dir)) {
            throw new ApiError(409, "conflict", "The requested bucket name is not available: " + name + " exists");
        }
        Files.createDirectories(dir);
    }

    /** The file of object {@code name}; 400 when the name cannot be a file of its bucket. */
    Path file(String bucket, String name) {
        Path dir = bucket(bucket).normalize();
        Path f = dir.resolve(name).normalize();
        if (name.isEmpty() || name.endsWith("/") || !f.startsWith(dir) || f.equals(dir)) {
            throw ApiError.invalid("Invalid object name '" + name + "': the sandbox keeps each object as a file of its "
                    + "bucket's folder, so a name may not be empty, end in '/' or climb out of the bucket");
        }
        return f;
    }

    /** The object's file, or 404 when there is none (a name no file can have, like "dir/", included). */
    Path existing(String bucket, String name) {
        Path dir = bucket(bucket).normalize();
        Path f = dir.resolve(name).normalize();
        if (name.isEmpty() || name.endsWith("/") || !f.startsWith(dir) || !Files.isRegularFile(f)) {
            throw ApiError.notFound("No such object: " + bucket + "/" + name);
        }
        return f;
    }

    /** The live generation of the object, or null when it does not exist. */
    Long generation(String bucket, String name) throws IOException {
        Path f = file(bucket, name);
        return Files.isRegularFile(f) ? generation(f) : null;
    }

    private static long generation(Path f) throws IOException {
        return Files.getLastModifiedTime(f).to(TimeUnit.MICROSECONDS);
    }

    /**
     * Object names under {@code prefix} in the bucket, sorted as Cloud Storage lists them (by name). Only the folder
     * the prefix points into is walked, not the whole bucket.
     */
    List<String> names(String bucket, String prefix) throws IOException {
        Path dir = bucket(bucket);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? dir : dir.resolve(prefix.substring(0, slash)).normalize();
        List<String> out = new ArrayList<>();
        if (!start.startsWith(dir) || !Files.isDirectory(start)) {
            return out;
        }
        try (Stream<Path> files = Files.walk(start)) {
            files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString().replace('\\', '/'))
                    .filter(n -> n.startsWith(prefix)).forEach(out::add);
        } catch (java.io.UncheckedIOException e) {
            if (!(e.getCause() instanceof NoSuchFileException)) { // a file deleted while walking is simply gone
                throw e;
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * The object resource of the JSON API for one file. Its {@code selfLink} and {@code mediaLink} start with
     * {@code origin}, the scheme and host the client reached the API on (gcloud downloads from the mediaLink).
     */
    Map<String, Object> resource(String bucket, String name, String origin) throws IOException {
        Path f = existing(bucket, name);
        long generation = generation(f);
        String time = Instant.ofEpochMilli(generation / 1000).toString(); // milliseconds, as Cloud Storage gives times
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("kind", "storage#object");
        r.put("id", bucket + "/" + name + "/" + generation);
        String path = "/storage/v1/b/" + escape(bucket) + "/o/" + escape(name);
        r.put("selfLink", origin + path);
        r.put("mediaLink", origin + "/download" + path + "?generation=" + generation + "&alt=media");
        r.put("name", name);
        r.put("bucket", bucket);
        r.put("generation", Long.toString(generation));
        r.put("metageneration", Long.toString(Preconditions.METAGENERATION));
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

    /** Deletes the object's file, then the folders it leaves empty: a folder is no object, only a name's part. */
    synchronized void delete(String bucket, String name) throws IOException {
        Path dir = bucket(bucket).normalize();
        Path f = existing(bucket, name);
        Files.delete(f);
        sums.remove(f);
        for (Path p = f.getParent(); p != null && !p.equals(dir) && p.startsWith(dir); p = p.getParent()) {
            try (Stream<Path> left = Files.list(p)) {
                if (left.findAny().isPresent()) {
                    break;
                }
            }
            Files.deleteIfExists(p);
        }
    }

    /** A new empty file to stage an upload in, on the same file system as the buckets so it can be moved in. */
    Path stagingFile() throws IOException {
        Path dir = Files.createDirectories(root.resolve(".uploads"));
        return Files.createFile(dir.resolve(UUID.randomUUID().toString()));
    }

    /**
     * Puts a staged upload in place as object {@code name}: its checksums must match those the client sent (400),
     * the preconditions must hold (412); a failed upload's staged file is deleted. Answers the new object resource.
     */
    synchronized Map<String, Object> commit(String bucket, String name, Path staged, Preconditions preconditions,
                                            Checksums claimed, String origin) throws IOException {
        try {
            Path f = file(bucket, name);
            Checksums actual = compute(staged);
            if (claimed.crc32c() != null && !claimed.crc32c().equals(actual.crc32c())) {
                throw ApiError.invalid("Provided CRC32C \"" + claimed.crc32c() + "\" doesn't match calculated CRC32C \""
                        + actual.crc32c() + "\".");
            }
            if (claimed.md5() != null && !claimed.md5().equals(actual.md5())) {
                throw ApiError.invalid("Provided MD5 hash \"" + claimed.md5() + "\" doesn't match calculated MD5 hash \""
                        + actual.md5() + "\".");
            }
            Long previous = Files.isRegularFile(f) ? generation(f) : null;
            preconditions.check(previous);
            if (Files.isDirectory(f)) {
                throw new ApiError(409, "conflict", "Object " + bucket + "/" + name + " cannot be written: the sandbox "
                        + "keeps objects as files and objects named '" + name + "/…' exist");
            }
            Files.createDirectories(f.getParent());
            // File times tick coarsely; stamp the write so every new content gets a new, larger generation.
            long now = java.time.temporal.ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
            long stamped = previous == null ? now : Math.max(now, previous + 1);
            Files.setLastModifiedTime(staged, FileTime.from(stamped, TimeUnit.MICROSECONDS));
            Files.move(staged, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            sums.put(f, new Known(Files.size(f), Files.getLastModifiedTime(f), actual)); // the move keeps size and time
            return resource(bucket, name, origin);
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /** Copies object to object (rewrite, copyTo, compose write through here). */
    synchronized Map<String, Object> copy(List<Path> sources, String bucket, String name, Preconditions preconditions,
                                          String origin) throws IOException {
        Path staged = stagingFile();
        try (OutputStream out = Files.newOutputStream(staged)) {
            for (Path source : sources) {
                Files.copy(source, out);
            }
        }
        return commit(bucket, name, staged, preconditions, new Checksums(null, null), origin);
    }

    /** A path segment as a URL carries it: every byte but unreserved ones percent-encoded ('/' too). */
    private static String escape(String segment) {
        return java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The file's checksums, read once per content (size and modification time). */
    Checksums checksums(Path file) throws IOException {
        long size = Files.size(file);
        FileTime modified = Files.getLastModifiedTime(file);
        Known known = sums.get(file);
        if (known != null && known.size() == size && known.modified().equals(modified)) {
            return known.checksums();
        }
        Checksums computed = compute(file);
        sums.put(file, new Known(size, modified, computed));
        return computed;
    }

    private static Checksums compute(Path file) throws IOException {
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
