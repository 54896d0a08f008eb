package io.mlship.smoke.report;

import io.mlship.report.ReportStylesheet;
import io.mlship.report.ReportText;
import io.mlship.smoke.CaseResult;
import io.mlship.smoke.GateResult;
import io.mlship.smoke.ThresholdCheck;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.golden.GoldenDiff;
import io.mlship.smoke.load.LatencySummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The HTML report of a gate run — verdict, cases, failed expectations, thresholds, golden differences and the
 * latency histogram as inline SVG. No scripts and no inline styles; its styles are {@link ReportStylesheet}'s file
 * written beside it, so it renders under the Content-Security-Policy Jenkins serves build artifacts with.
 */
public final class HtmlReport {
    private static final int CHART_W = 640;
    private static final int CHART_H = 200;

    public void write(GateResult g, String title, Path file) throws IOException {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc(title)).append("</title>\n").append(ReportStylesheet.link()).append("\n</head><body>\n");
        h.append("<h1>").append(esc(title)).append("</h1>\n");
        h.append("<p>Target <code>").append(esc(g.target())).append("</code> — verdict <span class=\"")
                .append(g.verdict()).append("\" id=\"verdict\">").append(g.verdict()).append("</span></p>\n");

        h.append("<h2>Cases</h2>\n<table><tr><th>case</th><th>result</th><th>status</th><th>latency</th><th>failed expectations</th></tr>\n");
        for (CaseResult c : g.cases()) {
            h.append("<tr><td>").append(esc(c.smokeCase().name())).append("</td><td class=\"")
                    .append(c.passed() ? "passed\">passed" : c.notSent() != null ? "skipped\">not sent" : "failed\">failed")
                    .append("</td><td class=\"num\">")
                    .append(c.response().answered() ? String.valueOf(c.response().status()) : "—").append("</td><td class=\"num\">")
                    .append(num(c.response().latencyNanos() / 1e6)).append(" ms</td><td>");
            if (c.notSent() != null) {
                h.append(cell(c.notSent()));
            }
            for (Mismatch m : c.mismatches()) {
                h.append("<code>").append(esc(m.path())).append("</code>: expected ").append(cell(m.expected()))
                        .append(", got ").append(cell(m.actual())).append("<br>");
            }
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");

        LatencySummary l = g.latency();
        h.append("<h2>Latency</h2>\n<p>").append(l.count()).append(" requests (")
                .append(g.latencySource().equals("load") ? "load run" : "one per case").append(")");
        if (g.load() != null) {
            h.append(", ").append(num(g.load().throughput())).append(" req/s, error rate ").append(num(g.load().errorRate()));
        }
        h.append("</p>\n");
        if (g.loadSkipped() != null) {
            h.append("<p id=\"load-note\">Load run skipped: ").append(esc(g.loadSkipped())).append("</p>\n");
        } else if (g.load() != null && g.load().stoppedEarly() != null) {
            h.append("<p id=\"load-note\">Load run stopped early after ").append(g.load().requests()).append(" of ")
                    .append(g.load().planned()).append(" requests: ").append(esc(g.load().stoppedEarly())).append("</p>\n");
        }
        h.append("<table><tr><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>mean</th></tr><tr>");
        for (double v : new double[] {l.p50Ms(), l.p95Ms(), l.p99Ms(), l.maxMs(), l.meanMs()}) {
            h.append("<td class=\"num\">").append(num(v)).append(" ms</td>");
        }
        h.append("</tr></table>\n");
        histogram(h, l);

        if (!g.thresholds().isEmpty()) {
            h.append("<h2>Thresholds</h2>\n<table><tr><th>threshold</th><th>limit</th><th>measured</th><th>result</th></tr>\n");
            for (ThresholdCheck t : g.thresholds()) {
                h.append("<tr><td>").append(esc(t.name())).append("</td><td>").append(cell(t.limit())).append("</td><td>")
                        .append(cell(t.actual())).append("</td><td class=\"").append(t.passed() ? "passed\">passed" : "failed\">failed")
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (g.golden() != null) {
            h.append("<h2>Golden comparison</h2>\n<p>").append(g.golden().differing()).append(" of ")
                    .append(g.golden().compared()).append(" answers differ from <code>").append(esc(g.golden().baseline()))
                    .append("</code> (").append(num(g.golden().diffRatio() * 100)).append("%, at most ")
                    .append(num(g.golden().maxDiffRatio() * 100)).append("% allowed) — <span class=\"")
                    .append(g.golden().passed() ? "passed\">passed" : "failed\">failed").append("</span></p>\n");
            if (!g.golden().differences().isEmpty()) {
                h.append("<table><tr><th>case</th><th>path</th><th>production</th><th>candidate</th></tr>\n");
                for (GoldenDiff d : g.golden().differences()) {
                    h.append("<tr><td>").append(esc(d.caseName())).append("</td><td><code>").append(esc(d.path()))
                            .append("</code></td><td>").append(cell(d.baseline())).append("</td><td>")
                            .append(cell(d.candidate())).append("</td></tr>\n");
                }
                h.append("</table>\n");
            }
        }
        h.append("</body></html>\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, h, StandardCharsets.UTF_8);
        ReportStylesheet.writeBeside(file);
    }

    /** Bars per latency bucket (doubling bounds), labelled with the bucket's upper bound. */
    private static void histogram(StringBuilder h, LatencySummary l) {
        if (l.buckets().isEmpty()) {
            return;
        }
        long max = l.buckets().stream().mapToLong(LatencySummary.Bucket::count).max().orElse(1);
        int n = l.buckets().size();
        double barW = (double) (CHART_W - 40) / n;
        h.append("<svg id=\"latency-histogram\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(CHART_W)
                .append("\" height=\"").append(CHART_H + 40).append("\" role=\"img\" aria-label=\"latency histogram\">\n");
        h.append("<title>Latency histogram: requests per latency bucket</title>\n");
        h.append("<line x1=\"30\" y1=\"").append(CHART_H).append("\" x2=\"").append(CHART_W).append("\" y2=\"")
                .append(CHART_H).append("\" class=\"axis\" stroke=\"#888\"/>\n");
        for (int i = 0; i < n; i++) {
            LatencySummary.Bucket b = l.buckets().get(i);
            double height = max == 0 ? 0 : (CHART_H - 20) * (double) b.count() / max;
            double x = 32 + i * barW;
            h.append(String.format(Locale.ROOT,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a78c2\"><title>&lt;= %s ms: %d</title></rect>%n",
                    x, CHART_H - height, Math.max(1, barW - 2), height, num(b.upToMs()), b.count()));
            if (n <= 16 || i % 2 == 0) {
                h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                        x + barW / 2, CHART_H + 14, num(b.upToMs())));
            }
        }
        h.append("<text x=\"").append(CHART_W / 2).append("\" y=\"").append(CHART_H + 34)
                .append("\" text-anchor=\"middle\">latency up to (ms)</text>\n</svg>\n");
    }

    /** A table cell's text: escaped, digests shortened so the row fits the page. */
    private static String cell(String s) {
        return ReportText.shortDigests(esc(s));
    }

    /** Only what HTML needs escaped; other characters stay readable in the source (UTF-8). */
    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String num(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
