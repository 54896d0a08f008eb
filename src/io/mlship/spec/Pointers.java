package io.mlship.spec;

import java.util.List;
import java.util.regex.Pattern;

/** Conversions between JSON pointers ({@code /deploy/ingress/host}) and dotted paths ({@code deploy.ingress.host}). */
public final class Pointers {
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern INDEX = Pattern.compile("[0-9]+");

    private Pointers() {
    }

    public static String child(String pointer, String key) {
        return pointer + "/" + key.replace("~", "~0").replace("/", "~1");
    }

    public static String dottedChild(String dotted, String key) {
        if (PLAIN_KEY.matcher(key).matches()) {
            return dotted.isEmpty() ? key : dotted + "." + key;
        }
        return dotted + "[\"" + key.replace("\"", "\\\"") + "\"]";
    }

    public static String dottedIndex(String dotted, int index) {
        return dotted + "[" + index + "]";
    }

    /** The dotted form of a path of keys ({@code String}) and list indexes ({@code Integer}). */
    public static String dotted(List<Object> path) {
        String out = "";
        for (Object step : path) {
            out = step instanceof Integer index ? dottedIndex(out, index) : dottedChild(out, (String) step);
        }
        return out;
    }

    public static String toDotted(String pointer) {
        return append("", pointer);
    }

    /** Appends the segments of a pointer suffix to a dotted path; numeric segments become indexes. */
    static String append(String dotted, String pointerSuffix) {
        String out = dotted;
        if (pointerSuffix.isEmpty()) {
            return out;
        }
        for (String raw : pointerSuffix.substring(1).split("/", -1)) {
            String key = raw.replace("~1", "/").replace("~0", "~");
            out = INDEX.matcher(key).matches() ? dottedIndex(out, Integer.parseInt(key)) : dottedChild(out, key);
        }
        return out;
    }
}
