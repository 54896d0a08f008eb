package io.mlship.model;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Cloud Storage location: a bucket and an object-name prefix ("folder"), always ending in '/' when set. */
public record GcsUri(String bucket, String prefix) {
    private static final Pattern URI = Pattern.compile("gs://([a-z0-9][-a-z0-9_.]{1,221}[a-z0-9])(?:/(.*))?");

    public static GcsUri parse(String text) {
        Matcher m = text == null ? null : URI.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a gs://bucket/folder/ URI");
        }
        String prefix = m.group(2) == null ? "" : m.group(2);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        return new GcsUri(m.group(1), prefix);
    }

    public GcsUri child(String name) {
        return new GcsUri(bucket, prefix + name + (name.endsWith("/") ? "" : "/"));
    }

    @Override
    public String toString() {
        return "gs://" + bucket + "/" + prefix;
    }
}
