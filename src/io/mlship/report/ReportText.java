package io.mlship.report;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text placed in the reports' table cells, shaped to stay readable in a column at 1280 px. */
public final class ReportText {
    private static final Pattern DIGEST = Pattern.compile("sha256:([0-9a-f]{12})[0-9a-f]{52}");

    private ReportText() {
    }

    /**
     * Already-escaped HTML with each full sha256 digest shown by its first 12 hex digits, the whole digest in the
     * tooltip: two 71-character digests in one table row would otherwise make it wider than the page.
     */
    public static String shortDigests(String escapedHtml) {
        Matcher m = DIGEST.matcher(escapedHtml);
        return m.replaceAll(d -> Matcher.quoteReplacement(
                "<abbr class=\"digest\" title=\"" + d.group() + "\">sha256:" + d.group(1) + "…</abbr>"));
    }

    /** An image reference on two lines, the repository and then {@code @sha256:…}, so neither has to break. */
    public static String imageReference(String escapedHtml) {
        int at = escapedHtml.indexOf('@');
        return at > 0 ? escapedHtml.substring(0, at) + "<br>" + escapedHtml.substring(at) : escapedHtml;
    }
}
