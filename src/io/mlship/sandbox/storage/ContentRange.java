package io.mlship.sandbox.storage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code Content-Range} of a resumable upload's PUT: {@code bytes FIRST-LAST/TOTAL} for a chunk,
 * {@code bytes * /TOTAL} (no space) for a status query or an empty last request, TOTAL {@code *} while the size
 * is not known yet. {@code first} is -1 when the request carries no bytes; {@code total} null when unknown.
 */
record ContentRange(long first, long last, Long total) {
    private static final Pattern FORM = Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)");

    /** No Content-Range: the whole object in one request, its size the body's. */
    static ContentRange whole(long size) {
        return size == 0 ? new ContentRange(-1, -1, 0L) : new ContentRange(0, size - 1, size);
    }

    static ContentRange parse(String header) {
        Matcher m = FORM.matcher(header.trim());
        if (!m.matches()) {
            throw ApiError.invalid("Invalid Content-Range '" + header + "': expected 'bytes FIRST-LAST/TOTAL', "
                    + "'bytes FIRST-LAST/*' or 'bytes */TOTAL'");
        }
        Long total = m.group(3).equals("*") ? null : Long.parseLong(m.group(3));
        if (m.group(1) == null) {
            return new ContentRange(-1, -1, total);
        }
        long first = Long.parseLong(m.group(1));
        long last = Long.parseLong(m.group(2));
        if (last < first || (total != null && last >= total)) {
            throw ApiError.invalid("Invalid Content-Range '" + header + "': the range is empty or past the total");
        }
        return new ContentRange(first, last, total);
    }

    long length() {
        return first < 0 ? 0 : last - first + 1;
    }
}
