package io.mlship.sandbox.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code GET /storage/v1/b/BUCKET/o}: the objects of a bucket by name, with {@code prefix}, {@code delimiter}
 * (names folded into {@code prefixes}), {@code startOffset}/{@code endOffset}, {@code includeTrailingDelimiter}
 * and pages ({@code maxResults}, at most 1,000; {@code pageToken}). Only the page's objects are described, so a
 * page of a 5,000-object listing reads the checksums of its 1,000 and no more.
 */
final class ObjectListing {
    /** What a list answers when {@code maxResults} is not given: the JSON API's own default and cap. */
    static final int MAX_RESULTS = 1000;

    private final ObjectFiles files;

    ObjectListing(ObjectFiles files) {
        this.files = files;
    }

    void list(ApiExchange ex, String bucket) throws IOException {
        Map<String, String> q = ex.query;
        String prefix = q.getOrDefault("prefix", "");
        String delimiter = q.get("delimiter") == null || q.get("delimiter").isEmpty() ? null : q.get("delimiter");
        Long asked = ex.longParam("maxResults");
        if (asked != null && asked < 1) {
            throw ApiError.invalid("Invalid argument: maxResults=" + asked + " must be at least 1");
        }
        int max = asked == null ? MAX_RESULTS : (int) Math.min(asked, MAX_RESULTS);
        String start = q.getOrDefault("startOffset", "");
        String end = q.get("endOffset");
        boolean trailing = Boolean.parseBoolean(q.get("includeTrailingDelimiter"));
        TreeSet<String> entries = new TreeSet<>(); // object names and, with a delimiter, the "folders" above them
        Set<String> folders = new HashSet<>();
        Set<String> objects = new HashSet<>();
        for (String name : files.names(bucket, prefix)) {
            if (name.compareTo(start) < 0 || (end != null && !end.isEmpty() && name.compareTo(end) >= 0)) {
                continue;
            }
            int cut = delimiter == null ? -1 : name.indexOf(delimiter, prefix.length());
            String entry = cut < 0 ? name : name.substring(0, cut + delimiter.length());
            entries.add(entry);
            // A name ending in its first delimiter is a prefix too; it is listed as an object only when asked.
            (cut < 0 ? objects : folders).add(entry);
            if (cut >= 0 && entry.equals(name) && trailing) {
                objects.add(name);
            }
        }
        String from = q.containsKey("pageToken") ? pageToken(q.get("pageToken")) : "";
        List<Map<String, Object>> items = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String next = null;
        for (String e : entries.tailSet(from, true)) {
            if (items.size() + prefixes.size() >= max) {
                next = Base64.getUrlEncoder().withoutPadding().encodeToString(e.getBytes(StandardCharsets.UTF_8));
                break;
            }
            if (folders.contains(e)) {
                prefixes.add(e);
            }
            if (objects.contains(e)) {
                items.add(files.resource(bucket, e, ex.origin()));
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
        ex.json(200, answer);
    }

    private static String pageToken(String token) {
        try {
            return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("Invalid argument: pageToken='" + token + "' is not a token this listing gave");
        }
    }
}
