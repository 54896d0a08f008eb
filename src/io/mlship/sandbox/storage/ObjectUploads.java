package io.mlship.sandbox.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Object uploads as the JSON API takes them on {@code /upload/storage/v1/b/BUCKET/o}: {@code uploadType=media}
 * (the bytes, {@code name} in the query), {@code multipart} (multipart/related: JSON metadata, then the bytes) and
 * {@code resumable} (a POST with the metadata begins a session and answers its URL in {@code Location}; PUTs send
 * chunks with {@code Content-Range}, answered 308 with the {@code Range} received until the last byte, then 200 with
 * the object). Checksums the client sends — {@code crc32c}/{@code md5Hash} in the metadata or an
 * {@code X-Goog-Hash} header — must match the bytes, and {@code ifGenerationMatch} and its kin must hold.
 */
final class ObjectUploads {
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() {
    };

    private final ObjectFiles files;
    private final Map<String, ResumableUpload> sessions = new ConcurrentHashMap<>();

    ObjectUploads(ObjectFiles files) {
        this.files = files;
    }

    /** POST /upload/storage/v1/b/BUCKET/o?uploadType=… */
    void insert(ApiExchange ex, String bucket) throws IOException {
        files.bucket(bucket);
        String type = ex.query.get("uploadType");
        if (type == null) {
            throw ApiError.invalid("Required parameter: uploadType (media, multipart or resumable)");
        }
        switch (type) {
            case "media" -> media(ex, bucket);
            case "multipart" -> multipart(ex, bucket);
            case "resumable" -> begin(ex, bucket);
            default -> throw ApiError.invalid("Invalid argument: uploadType='" + type + "' (media, multipart or resumable)");
        }
    }

    private void media(ApiExchange ex, String bucket) throws IOException {
        String name = required(ex.query.get("name"), "name");
        Path staged = files.stagingFile();
        try (InputStream in = ex.body()) {
            Files.copy(in, staged, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ex.json(200, files.commit(bucket, name, staged, Preconditions.of(ex), claimed(null, ex.header("X-Goog-Hash")), ex.origin()));
    }

    private void multipart(ApiExchange ex, String bucket) throws IOException {
        MultipartRelated body = MultipartRelated.parse(ex.header("Content-Type"), ex.body().readAllBytes());
        if (body.parts().size() != 2) {
            throw ApiError.invalid("Invalid multipart upload: expected 2 parts (JSON metadata, then the media), got "
                    + body.parts().size());
        }
        Map<String, Object> metadata = metadata(body.parts().get(0).body());
        String name = required(metadata.containsKey("name") ? (String) metadata.get("name") : ex.query.get("name"), "name");
        Path staged = files.stagingFile();
        Files.write(staged, body.parts().get(1).body());
        ex.json(200, files.commit(bucket, name, staged, Preconditions.of(ex), claimed(metadata, ex.header("X-Goog-Hash")), ex.origin()));
    }

    /** Begins a resumable upload: the session URL goes back in Location, nothing is written yet. */
    private void begin(ApiExchange ex, String bucket) throws IOException {
        byte[] raw = ex.body().readAllBytes();
        Map<String, Object> metadata = raw.length == 0 ? Map.of() : metadata(raw);
        String name = required(metadata.containsKey("name") ? (String) metadata.get("name") : ex.query.get("name"), "name");
        files.file(bucket, name); // a name the folder cannot hold fails now, not after the bytes
        Preconditions preconditions = Preconditions.of(ex);
        preconditions.check(files.generation(bucket, name));
        String length = ex.header("X-Upload-Content-Length");
        Long total = length == null ? null : parseLength(length);
        String id = UUID.randomUUID().toString().replace("-", "");
        sessions.put(id, new ResumableUpload(bucket, name, preconditions, claimed(metadata, null), files.stagingFile(), total));
        ex.http.getResponseHeaders().set("Location", ex.origin() + "/upload/storage/v1/b/" + enc(bucket)
                + "/o?uploadType=resumable&name=" + enc(name) + "&upload_id=" + id);
        ex.empty(200);
    }

    /** PUT on a session URL: a chunk, the last chunk, or a status query ({@code bytes * /TOTAL} with no body). */
    void put(ApiExchange ex) throws IOException {
        ResumableUpload upload = session(ex);
        synchronized (upload) {
            if (upload.finished != null) {
                ex.body().readAllBytes();
                ex.json(200, upload.finished);
                return;
            }
            String header = ex.header("Content-Range");
            String length = ex.header("Content-Length");
            ContentRange range = header != null ? ContentRange.parse(header)
                    : ContentRange.whole(length == null ? 0 : parseLength(length));
            if (range.total() != null) {
                if (upload.total != null && !upload.total.equals(range.total())) {
                    throw ApiError.invalid("Content-Range total " + range.total() + " differs from the upload's size "
                            + upload.total + " announced before");
                }
                upload.total = range.total();
            }
            if (header == null && length == null) {
                append(upload, ex.body(), Long.MAX_VALUE); // no length given: the body runs to its end
                upload.total = upload.received;
            } else {
                receive(upload, range, ex.body());
            }
            if (upload.total != null && upload.received == upload.total) {
                finish(ex, upload);
                return;
            }
            if (upload.received > 0) {
                ex.http.getResponseHeaders().set("Range", "bytes=0-" + (upload.received - 1));
            }
            ex.empty(308); // Resume Incomplete
        }
    }

    /** DELETE on a session URL cancels it: 499, as Cloud Storage answers. */
    void cancel(ApiExchange ex) throws IOException {
        ResumableUpload upload = session(ex);
        sessions.remove(ex.query.get("upload_id"));
        Files.deleteIfExists(upload.staged);
        ex.empty(499);
    }

    private void receive(ResumableUpload upload, ContentRange range, InputStream body) throws IOException {
        if (range.first() < 0) {
            body.readAllBytes();
            return;
        }
        if (range.first() > upload.received) {
            throw new ApiError(400, "invalid", "Invalid request: the chunk starts at byte " + range.first()
                    + " but the upload has received " + upload.received + " bytes; resume from there");
        }
        // Bytes the session already holds (a chunk sent again after a lost answer) are skipped, the rest appended.
        long skip = Math.min(upload.received - range.first(), range.length());
        long got;
        try {
            discard(body, skip);
            got = append(upload, body, range.length() - skip);
        } catch (java.io.EOFException e) {
            got = -1;
        }
        if (got < range.length() - skip) {
            throw ApiError.invalid("Invalid request: Content-Range 'bytes " + range.first() + "-" + range.last()
                    + "' promises " + range.length() + " bytes but the body is shorter");
        }
    }

    /** Reads past {@code n} bytes; not InputStream.skip, which the JDK's server lets run past the request's end. */
    private static void discard(InputStream body, long n) throws IOException {
        byte[] buf = new byte[8192];
        for (long left = n; left > 0; ) {
            int r = body.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new java.io.EOFException();
            }
            left -= r;
        }
    }

    private static long append(ResumableUpload upload, InputStream body, long max) throws IOException {
        long n = 0;
        try (OutputStream out = Files.newOutputStream(upload.staged, StandardOpenOption.APPEND)) {
            byte[] buf = new byte[65536];
            int r;
            while (n < max && (r = body.read(buf, 0, (int) Math.min(buf.length, max - n))) > 0) {
                out.write(buf, 0, r);
                n += r;
            }
        }
        upload.received += n;
        return n;
    }

    private void finish(ApiExchange ex, ResumableUpload upload) throws IOException {
        ObjectFiles.Checksums header = claimed(null, ex.header("X-Goog-Hash"));
        ObjectFiles.Checksums claimed = new ObjectFiles.Checksums(
                header.crc32c() != null ? header.crc32c() : upload.claimed.crc32c(),
                header.md5() != null ? header.md5() : upload.claimed.md5());
        try {
            upload.finished = files.commit(upload.bucket, upload.name, upload.staged, upload.preconditions, claimed,
                    ex.origin());
        } catch (ApiError e) {
            sessions.values().remove(upload); // a failed upload is over: its bytes are gone
            throw e;
        }
        ex.json(200, upload.finished);
    }

    private ResumableUpload session(ApiExchange ex) {
        String id = ex.query.get("upload_id");
        ResumableUpload upload = id == null ? null : sessions.get(id);
        if (upload == null) {
            throw ApiError.notFound("No such upload session: upload_id=" + id
                    + " (begin one with POST ?uploadType=resumable; a cancelled or failed session is gone)");
        }
        return upload;
    }

    /** Checksums from the metadata ({@code crc32c}, {@code md5Hash}) and an {@code X-Goog-Hash: crc32c=…,md5=…}. */
    private static ObjectFiles.Checksums claimed(Map<String, Object> metadata, String goog) {
        String crc = metadata == null ? null : (String) metadata.get("crc32c");
        String md5 = metadata == null ? null : (String) metadata.get("md5Hash");
        if (goog != null) {
            for (String pair : goog.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String key = pair.substring(0, eq).trim();
                    String value = pair.substring(eq + 1).trim();
                    if (key.equals("crc32c")) {
                        crc = value;
                    } else if (key.equals("md5")) {
                        md5 = value;
                    }
                }
            }
        }
        return new ObjectFiles.Checksums(crc, md5);
    }

    private static Map<String, Object> metadata(byte[] json) {
        try {
            return ApiExchange.mapper().readValue(json, JSON_OBJECT);
        } catch (IOException e) {
            throw ApiError.invalid("Invalid object metadata: not a JSON object (" + e.getMessage() + ")");
        }
    }

    private static String required(String value, String param) {
        if (value == null || value.isEmpty()) {
            throw ApiError.invalid("Required parameter: " + param);
        }
        return value;
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw ApiError.invalid("Invalid length '" + value + "': not a whole number of bytes");
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
