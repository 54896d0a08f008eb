package io.mlship.sandbox.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import io.mlship.sandbox.LoopbackHttp;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The sandbox's Cloud Storage, spoken as the Cloud Storage JSON API over the folder of buckets: list (prefix,
 * delimiter, pages), object metadata with the checksums GCS computes, media download, rewrite (server-side copy)
 * and delete. The official client reaches it with its host set here and no credentials, as
 * {@code STORAGE_EMULATOR_HOST} points Google's libraries.
 */
public final class StorageJsonApi implements AutoCloseable {
    /** What a list answers when {@code maxResults} is not given: the JSON API's own default and cap. */
    static final int MAX_RESULTS = 1000;

    private final ObjectFiles files;
    private final LoopbackHttp server;
    private final ObjectMapper json = new ObjectMapper();

    private StorageJsonApi(Path root, int port) throws IOException {
        this.files = new ObjectFiles(root);
        this.server = LoopbackHttp.start(port, "sandbox-storage", this::handle);
    }

    /** Serves the buckets below {@code root} on loopback; port 0 picks a free one. */
    public static StorageJsonApi start(Path root, int port) throws IOException {
        return new StorageJsonApi(root, port);
    }

    /** {@code http://127.0.0.1:PORT}: the client's host setting, and STORAGE_EMULATOR_HOST's value. */
    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            List<String> s = segments(ex.getRequestURI().getRawPath());
            if (s.size() > 1 && s.get(0).equals("download")) {
                s = s.subList(1, s.size()); // media downloads come on /download/storage/v1/…
            }
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            if (s.size() < 5 || !s.get(0).equals("storage") || !s.get(1).equals("v1") || !s.get(2).equals("b")
                    || !s.get(4).equals("o")) {
                error(ex, 404, "notFound", "no such path: " + ex.getRequestURI().getPath());
                return;
            }
            String bucket = s.get(3);
            if (!Files.isDirectory(files.bucket(bucket))) {
                error(ex, 404, "notFound", "The specified bucket does not exist.");
                return;
            }
            String method = ex.getRequestMethod();
            if (s.size() == 5 && method.equals("GET")) {
                try {
                    list(ex, bucket, q);
                } catch (IllegalArgumentException e) { // a maxResults or pageToken that is not one of ours
                    error(ex, 400, "invalid", "Invalid argument: " + e.getMessage());
                }
            } else if (s.size() == 6 && method.equals("GET")) {
                get(ex, bucket, s.get(5), "media".equals(q.get("alt")));
            } else if (s.size() == 6 && method.equals("DELETE")) {
                delete(ex, bucket, s.get(5));
            } else if (s.size() == 11 && method.equals("POST") && s.get(6).equals("rewriteTo") && s.get(7).equals("b")
                    && s.get(9).equals("o")) {
                ex.getRequestBody().readAllBytes();
                rewrite(ex, bucket, s.get(5), s.get(8), s.get(10));
            } else {
                error(ex, 405, "methodNotAllowed", method + " is not supported here");
            }
        }
    }

    private void list(HttpExchange ex, String bucket, Map<String, String> q) throws IOException {
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.get("delimiter");
        int max = q.containsKey("maxResults") ? Math.min(Integer.parseInt(q.get("maxResults")), MAX_RESULTS) : MAX_RESULTS;
        TreeSet<String> entries = new TreeSet<>(); // object names and, with a delimiter, the "folders" above them
        for (String name : files.names(bucket)) {
            if (!name.startsWith(prefix)) {
                continue;
            }
            int cut = delimiter == null || delimiter.isEmpty() ? -1 : name.indexOf(delimiter, prefix.length());
            entries.add(cut < 0 ? name : name.substring(0, cut + delimiter.length()));
        }
        String from = q.containsKey("pageToken")
                ? new String(Base64.getUrlDecoder().decode(q.get("pageToken")), StandardCharsets.UTF_8) : "";
        List<Map<String, Object>> items = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String next = null;
        for (String e : entries.tailSet(from, true)) {
            if (items.size() + prefixes.size() == max) {
                next = Base64.getUrlEncoder().withoutPadding().encodeToString(e.getBytes(StandardCharsets.UTF_8));
                break;
            }
            boolean folder = delimiter != null && !delimiter.isEmpty() && e.endsWith(delimiter)
                    && !Files.isRegularFile(files.file(bucket, e));
            if (folder) {
                prefixes.add(e);
            } else {
                items.add(files.resource(bucket, e));
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("kind", "storage#objects");
        if (next != null) {
            answer.put("nextPageToken", next);
        }
        if (!prefixes.isEmpty()) {
            answer.put("prefixes", prefixes);
        }
        answer.put("items", items);
        send(ex, 200, json.writeValueAsBytes(answer), "application/json");
    }

    private void get(HttpExchange ex, String bucket, String name, boolean media) throws IOException {
        Path f = files.file(bucket, name);
        if (f == null || !Files.isRegularFile(f)) {
            error(ex, 404, "notFound", "No such object: " + bucket + "/" + name);
            return;
        }
        if (media) {
            send(ex, 200, Files.readAllBytes(f), "application/octet-stream");
        } else {
            send(ex, 200, json.writeValueAsBytes(files.resource(bucket, name)), "application/json");
        }
    }

    private void delete(HttpExchange ex, String bucket, String name) throws IOException {
        Path f = files.file(bucket, name);
        if (f == null || !Files.deleteIfExists(f)) {
            error(ex, 404, "notFound", "No such object: " + bucket + "/" + name);
            return;
        }
        ex.sendResponseHeaders(204, -1);
    }

    /** A server-side copy, done in one step: the answer says done with the new object. */
    private void rewrite(HttpExchange ex, String bucket, String name, String toBucket, String toName) throws IOException {
        Path src = files.file(bucket, name);
        Path dst = files.file(toBucket, toName);
        if (src == null || !Files.isRegularFile(src)) {
            error(ex, 404, "notFound", "No such object: " + bucket + "/" + name);
            return;
        }
        if (dst == null || !Files.isDirectory(files.bucket(toBucket))) {
            error(ex, 404, "notFound", "The destination bucket does not exist.");
            return;
        }
        Files.createDirectories(dst.getParent());
        Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("kind", "storage#rewriteResponse");
        answer.put("totalBytesRewritten", Long.toString(Files.size(dst)));
        answer.put("objectSize", Long.toString(Files.size(dst)));
        answer.put("done", true);
        answer.put("resource", files.resource(toBucket, toName));
        send(ex, 200, json.writeValueAsBytes(answer), "application/json");
    }

    private void error(HttpExchange ex, int code, String reason, String message) throws IOException {
        Map<String, Object> detail = Map.of("domain", "global", "reason", reason, "message", message);
        send(ex, code, json.writeValueAsBytes(Map.of("error", Map.of("code", code, "message", message,
                "errors", List.of(detail)))), "application/json");
    }

    private static void send(HttpExchange ex, int code, byte[] body, String type) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    /** Path segments, each percent-decoded (an object name's '/' arrives as %2F inside one segment). */
    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String part : rawPath.split("/")) {
            if (!part.isEmpty()) {
                out.add(decode(part));
            }
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(decode(pair.substring(0, eq)), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    /** Percent-decoding of a path segment: '+' is a plus there, not a space. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
