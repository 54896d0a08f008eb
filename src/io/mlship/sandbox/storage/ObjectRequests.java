package io.mlship.sandbox.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Requests on one object: its metadata or media ({@code alt=media}, with a {@code Range} if asked), delete, and
 * the server-side writes — {@code rewriteTo} (done in one call), {@code copyTo} and {@code compose}. The sandbox
 * keeps only the live generation: a request naming another {@code generation} finds nothing.
 */
final class ObjectRequests {
    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final ObjectFiles files;

    ObjectRequests(ObjectFiles files) {
        this.files = files;
    }

    void get(ApiExchange ex, String bucket, String name) throws IOException {
        Path f = live(ex, bucket, name);
        Preconditions.of(ex).check(files.generation(bucket, name));
        if (!"media".equals(ex.query.get("alt"))) {
            ex.json(200, files.resource(bucket, name, ex.origin()));
            return;
        }
        ObjectFiles.Checksums sums = files.checksums(f);
        long size = Files.size(f);
        long first = 0;
        long last = size - 1;
        int code = 200;
        Matcher range = ex.header("Range") == null ? null : RANGE.matcher(ex.header("Range").trim());
        if (range != null && range.matches() && Long.parseLong(range.group(1)) < size) {
            first = Long.parseLong(range.group(1));
            last = range.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(range.group(2)));
            code = 206;
            ex.http.getResponseHeaders().set("Content-Range", "bytes " + first + "-" + last + "/" + size);
        }
        ex.http.getResponseHeaders().set("Content-Type", "application/octet-stream");
        ex.http.getResponseHeaders().set("X-Goog-Hash", "crc32c=" + sums.crc32c() + ",md5=" + sums.md5());
        ex.http.getResponseHeaders().set("X-Goog-Generation", Long.toString(files.generation(bucket, name)));
        long length = size == 0 ? 0 : last - first + 1;
        ex.http.sendResponseHeaders(code, length == 0 ? -1 : length);
        if (length > 0) {
            try (InputStream in = Files.newInputStream(f); OutputStream out = ex.http.getResponseBody()) {
                in.skipNBytes(first);
                byte[] buf = new byte[65536];
                long left = length;
                int n;
                while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                    out.write(buf, 0, n);
                    left -= n;
                }
            }
        }
    }

    void delete(ApiExchange ex, String bucket, String name) throws IOException {
        live(ex, bucket, name);
        Preconditions.of(ex).check(files.generation(bucket, name));
        files.delete(bucket, name);
        ex.empty(204);
    }

    /** A server-side copy, done in one step: the answer says done and carries the new object. */
    void rewrite(ApiExchange ex, String bucket, String name, String toBucket, String toName) throws IOException {
        ex.body().readAllBytes();
        Map<String, Object> resource = copyOne(ex, bucket, name, toBucket, toName);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("kind", "storage#rewriteResponse");
        answer.put("totalBytesRewritten", resource.get("size"));
        answer.put("objectSize", resource.get("size"));
        answer.put("done", true);
        answer.put("resource", resource);
        ex.json(200, answer);
    }

    void copy(ApiExchange ex, String bucket, String name, String toBucket, String toName) throws IOException {
        ex.body().readAllBytes();
        ex.json(200, copyOne(ex, bucket, name, toBucket, toName));
    }

    /** {@code compose}: the destination becomes the source objects' bytes one after another (at most 32). */
    void compose(ApiExchange ex, String bucket, String name) throws IOException {
        Map<String, Object> request;
        try {
            request = ApiExchange.mapper().readValue(ex.body().readAllBytes(), JSON_OBJECT);
        } catch (IOException e) {
            throw ApiError.invalid("Invalid compose request: not a JSON object (" + e.getMessage() + ")");
        }
        if (!(request.get("sourceObjects") instanceof List<?> sources) || sources.isEmpty() || sources.size() > 32) {
            throw ApiError.invalid("Invalid compose request: sourceObjects must list 1 to 32 objects");
        }
        List<Path> parts = new ArrayList<>();
        for (Object source : sources) {
            if (!(source instanceof Map<?, ?> s) || !(s.get("name") instanceof String part)) {
                throw ApiError.invalid("Invalid compose request: each of sourceObjects needs a name");
            }
            parts.add(files.existing(bucket, part));
        }
        ex.json(200, files.copy(parts, bucket, name, Preconditions.of(ex), ex.origin()));
    }

    private Map<String, Object> copyOne(ApiExchange ex, String bucket, String name, String toBucket, String toName)
            throws IOException {
        Path source = live(ex, bucket, name, "sourceGeneration");
        files.bucket(toBucket);
        return files.copy(List.of(source), toBucket, toName, Preconditions.of(ex), ex.origin());
    }

    private Path live(ApiExchange ex, String bucket, String name) throws IOException {
        return live(ex, bucket, name, "generation");
    }

    /** The object's file; 404 when it does not exist or the request names a generation it no longer has. */
    private Path live(ApiExchange ex, String bucket, String name, String generationParam) throws IOException {
        Path f = files.existing(bucket, name);
        Long asked = ex.longParam(generationParam);
        if (asked != null && !asked.equals(files.generation(bucket, name))) {
            throw ApiError.notFound("No such object: " + bucket + "/" + name + "#" + asked
                    + " (the sandbox keeps only an object's live generation)");
        }
        return f;
    }
}
