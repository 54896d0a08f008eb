package io.mlship.sandbox.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@code multipart/related} body as a multipart upload sends it: the object's JSON metadata, then its media.
 * Lines may end in CRLF (as RFC 2046 says, and the Java client sends) or in a bare LF (as Python's email
 * generator writes, which gcloud uses); the line break before each boundary belongs to the boundary.
 */
record MultipartRelated(List<Part> parts) {

    record Part(Map<String, String> headers, byte[] body) {
        /** The part's Content-Type, or {@code application/octet-stream} when it has none. */
        String contentType() {
            return headers.getOrDefault("content-type", "application/octet-stream");
        }
    }

    /** Parses {@code body} sent with {@code contentType}; 400 naming what is missing when it is not such a body. */
    static MultipartRelated parse(String contentType, byte[] body) {
        String boundary = boundary(contentType);
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(body, delimiter, 0);
        if (at < 0) {
            throw ApiError.invalid("Invalid multipart upload: the body has no boundary '" + boundary + "'");
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            int lineEnd = at + delimiter.length;
            if (lineEnd + 1 < body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
                return new MultipartRelated(List.copyOf(parts)); // the closing delimiter
            }
            int start = indexOf(body, new byte[] {'\n'}, lineEnd);
            if (start < 0) {
                break;
            }
            int next = indexOf(body, delimiter, start + 1);
            if (next < 0) {
                break;
            }
            parts.add(part(body, start + 1, next));
            at = next;
        }
        throw ApiError.invalid("Invalid multipart upload: the body does not end with '--" + boundary + "--'");
    }

    private static Part part(byte[] body, int from, int delimiterAt) {
        boolean crlf = from >= 2 && body[from - 2] == '\r';
        int end = delimiterAt - (crlf ? 2 : 1); // the line break before the delimiter is the delimiter's
        byte[] blank = crlf ? new byte[] {'\r', '\n', '\r', '\n'} : new byte[] {'\n', '\n'};
        int headersEnd;
        int bodyStart;
        if (startsWith(body, from, crlf ? new byte[] {'\r', '\n'} : new byte[] {'\n'})) {
            headersEnd = from; // no headers at all
            bodyStart = from + (crlf ? 2 : 1);
        } else {
            headersEnd = indexOf(body, blank, from);
            if (headersEnd < 0 || headersEnd > end) {
                throw ApiError.invalid("Invalid multipart upload: a part has no blank line after its headers");
            }
            bodyStart = headersEnd + blank.length;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : new String(body, from, headersEnd - from, StandardCharsets.UTF_8).split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        byte[] content = new byte[Math.max(0, end - bodyStart)];
        System.arraycopy(body, bodyStart, content, 0, content.length);
        return new Part(headers, content);
    }

    /** The boundary parameter, unquoted (gcloud quotes it with single quotes, others with double quotes). */
    private static String boundary(String contentType) {
        if (contentType != null) {
            for (String param : contentType.split(";")) {
                String p = param.trim();
                if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                    String b = p.substring("boundary=".length());
                    if (b.length() >= 2 && (b.charAt(0) == '"' || b.charAt(0) == '\'') && b.charAt(b.length() - 1) == b.charAt(0)) {
                        b = b.substring(1, b.length() - 1);
                    }
                    if (!b.isEmpty()) {
                        return b;
                    }
                }
            }
        }
        throw ApiError.invalid("Invalid multipart upload: Content-Type '" + contentType
                + "' should be multipart/related with a boundary parameter");
    }

    private static boolean startsWith(byte[] haystack, int from, byte[] needle) {
        if (from + needle.length > haystack.length) {
            return false;
        }
        for (int j = 0; j < needle.length; j++) {
            if (haystack[from + j] != needle[j]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
