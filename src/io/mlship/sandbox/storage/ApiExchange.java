package io.mlship.sandbox.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** One request to the JSON API: its decoded path segments and query, and the ways the API answers. */
final class ApiExchange {
    private static final ObjectMapper JSON = new ObjectMapper();

    final HttpExchange http;
    final List<String> path;
    final Map<String, String> query;

    ApiExchange(HttpExchange http) {
        this.http = http;
        this.path = segments(http.getRequestURI().getRawPath());
        this.query = query(http.getRequestURI().getRawQuery());
    }

    String method() {
        return http.getRequestMethod();
    }

    /** The request header, or null. */
    String header(String name) {
        return http.getRequestHeaders().getFirst(name);
    }

    /** The request body, un-gzipped when it came with {@code Content-Encoding: gzip} (as the Java client sends). */
    InputStream body() throws IOException {
        String encoding = header("Content-Encoding");
        if (encoding != null && encoding.trim().equalsIgnoreCase("gzip")) {
            return new GZIPInputStream(http.getRequestBody());
        }
        return http.getRequestBody();
    }

    /** {@code http://HOST:PORT} as the client reached the API (its Host header), for links in answers. */
    String origin() {
        String host = header("Host");
        return "http://" + (host != null ? host : "127.0.0.1:" + http.getLocalAddress().getPort());
    }

    /** A query parameter that must be a whole number, or null when absent. */
    Long longParam(String name) {
        String v = query.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw ApiError.invalid("Invalid argument: " + name + "='" + v + "' is not a whole number");
        }
    }

    void json(int code, Object body) throws IOException {
        bytes(code, JSON.writeValueAsBytes(body), "application/json; charset=UTF-8");
    }

    void bytes(int code, byte[] body, String type) throws IOException {
        http.getResponseHeaders().set("Content-Type", type);
        http.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            http.getResponseBody().write(body);
        }
    }

    /** A status with no body (204 No Content, 308 Resume Incomplete, 499 for a cancelled upload). */
    void empty(int code) throws IOException {
        http.sendResponseHeaders(code, -1);
    }

    /** The JSON API's error body: {@code {"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}}. */
    void error(ApiError e) throws IOException {
        Map<String, Object> detail = Map.of("domain", "global", "reason", e.reason, "message", e.getMessage());
        json(e.code, Map.of("error", Map.of("code", e.code, "message", e.getMessage(), "errors", List.of(detail))));
    }

    static ObjectMapper mapper() {
        return JSON;
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
