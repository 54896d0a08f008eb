package io.mlship.release;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.report.ReportStylesheet;
import io.mlship.report.ReportText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The release as one HTML page: verdict, stages with their timings, what was released (digest, model version),
 * aliases and traffic before and after, and each gate's cases, thresholds and latency histogram. No scripts, no
 * inline styles, charts as inline SVG, styles in {@link ReportStylesheet}'s file beside it: it renders under the
 * Content-Security-Policy Jenkins serves build artifacts with.
 */
public final class ReleaseReport {
    private static final int CHART_W = 560;
    private static final int CHART_H = 140;
    private static final int TIMING_W = 200;

    public void write(ReleaseRecord r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, html(r, parent), StandardCharsets.UTF_8);
        ReportStylesheet.writeBeside(file);
    }

    String html(ReleaseRecord r, Path dir) {
        StringBuilder h = new StringBuilder();
        String verdict = switch (r.status()) {
            case "released" -> "Released";
            case "rolledBack" -> "Rolled back";
            default -> "Failed";
        };
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
                .append(esc("mlship release · " + r.service() + " · " + r.environment() + " · " + verdict)).append("</title>\n")
                .append(ReportStylesheet.link()).append("\n</head><body>\n");
        h.append("<h1>").append(esc(r.service())).append(" → ").append(esc(r.environment())).append("</h1>\n");
        h.append("<p id=\"verdict\" class=\"").append(esc(r.status())).append("\">").append(verdict).append(" in ")
                .append(StageLog.fmt(r.seconds())).append(" s</p>\n");
        if (r.reason() != null) {
            h.append("<p id=\"reason\">").append(esc(r.reason())).append("</p>\n");
        }
        h.append("<table id=\"release\">\n");
        row(h, "Started", r.startedAt());
        row(h, "Finished", r.finishedAt());
        String image = r.image() != null ? r.image() : r.imageDigest();
        if (image != null && !image.isEmpty()) {
            h.append("<tr><th>Image</th><td>").append(ReportText.imageReference(esc(image))).append("</td></tr>\n");
        }
        row(h, "Commit", r.gitSha());
        row(h, "Build", r.buildUrl());
        row(h, "Approved by", r.approval() != null ? r.approval().describe() : r.approvedBy());
        if (r.deployed() != null) {
            row(h, "Service", ReleaseSummary.serviceLine(r));
        }
        if (r.model() != null) {
            row(h, "Model", r.model().model() + " version " + r.model().modelVersionId() + (r.model().reused() ? " (reused)" : ""));
            row(h, "Endpoint", r.model().endpoint());
            row(h, "Artifacts", r.model().artifacts());
        }
        h.append("</table>\n");

        h.append("<h2>Stages</h2>\n<table id=\"stages\"><tr><th>Stage</th><th>Status</th><th>Time</th><th></th><th>Outcome</th></tr>\n");
        double longest = r.stages().stream().mapToDouble(StageResult::seconds).max().orElse(1);
        for (StageResult s : r.stages()) {
            int width = longest <= 0 ? 0 : (int) Math.round(TIMING_W * s.seconds() / longest);
            h.append("<tr class=\"stage\"><td class=\"name\">").append(esc(s.name())).append("</td><td class=\"").append(s.status().id()).append("\">")
                    .append(s.status().id()).append("</td><td class=\"num\">").append(s.status() == StageStatus.SKIPPED ? "" : StageLog.fmt(s.seconds()) + " s")
                    .append("</td><td>").append(timing(width)).append("</td><td>")
                    .append(cell(s.message())).append("</td></tr>\n");
        }
        h.append("</table>\n");

        if (r.model() != null) {
            h.append("<h2>Model aliases and traffic</h2>\n<table id=\"aliases\"><tr><th></th><th>Before</th><th>After</th></tr>\n");
            h.append("<tr><td>Aliases</td><td>").append(esc(ReleaseSummary.compact(r.model().aliasesBefore()))).append("</td><td>")
                    .append(esc(ReleaseSummary.compact(r.model().aliasesAfter()))).append("</td></tr>\n");
            h.append("<tr><td>Traffic</td><td>").append(esc(ReleaseSummary.compact(r.model().trafficBefore()))).append("</td><td>")
                    .append(esc(ReleaseSummary.compact(r.model().trafficAfter()))).append("</td></tr>\n</table>\n");
        }

        for (ReleaseRecord.Gate g : r.gates()) {
            gate(h, g, dir);
        }
        h.append("<p><small>mlship release record: <code>release-record.json</code></small></p>\n</body></html>\n");
        return h.toString();
    }

    private static void gate(StringBuilder h, ReleaseRecord.Gate g, Path dir) {
        h.append("<section class=\"gate\" id=\"gate-").append(esc(g.name())).append("\">\n<h2>Gate: ").append(esc(g.name()))
                .append(" — <span class=\"").append("passed".equals(g.verdict()) ? "passed" : "failed").append("\">")
                .append(esc(g.verdict())).append("</span></h2>\n<p>Target ").append(esc(g.target()));
        if (g.modelVersionId() != null) {
            h.append(", answers required from model version ").append(esc(g.modelVersionId()));
        }
        if (g.cases() != null) {
            h.append(". Cases: ").append(g.cases().path("passed").asInt()).append(" of ").append(g.cases().path("total").asInt())
                    .append(" passed");
        }
        h.append(".</p>\n");
        if (g.failures() != null && g.failures().size() > 0) {
            h.append("<table class=\"failures\"><tr><th>Case</th><th>Path</th><th>Expected</th><th>Actual</th></tr>\n");
            for (JsonNode f : g.failures()) {
                h.append("<tr><td>").append(esc(f.path("case").asText())).append("</td><td><code>").append(esc(f.path("path").asText()))
                        .append("</code></td><td>").append(cell(f.path("expected").asText())).append("</td><td>")
                        .append(cell(f.path("actual").asText())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (g.thresholds() != null && g.thresholds().size() > 0) {
            h.append("<table class=\"thresholds\"><tr><th>Threshold</th><th>Limit</th><th>Actual</th><th></th></tr>\n");
            for (JsonNode t : g.thresholds()) {
                boolean ok = t.path("passed").asBoolean();
                h.append("<tr><td>").append(esc(t.path("name").asText())).append("</td><td>").append(cell(t.path("limit").asText()))
                        .append("</td><td>").append(cell(t.path("actual").asText())).append("</td><td class=\"")
                        .append(ok ? "passed\">passed" : "failed\">failed").append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        if (g.latency() != null) {
            JsonNode l = g.latency();
            h.append("<p>Latency over ").append(l.path("count").asLong()).append(" requests: p50 ").append(esc(l.path("p50Ms").asText()))
                    .append(" ms, p95 ").append(esc(l.path("p95Ms").asText())).append(" ms, p99 ").append(esc(l.path("p99Ms").asText()))
                    .append(" ms, max ").append(esc(l.path("maxMs").asText())).append(" ms.</p>\n");
            histogram(h, g.name(), l.path("buckets"));
        }
        if (g.reportFile() != null) {
            Path report = Path.of(g.reportFile()).toAbsolutePath();
            String href = report.startsWith(dir) ? dir.relativize(report).toString() : report.toUri().toString();
            h.append("<p><a href=\"").append(esc(href)).append("\">The gate's own report</a></p>\n");
        }
        h.append("</section>\n");
    }

    private static void histogram(StringBuilder h, String gate, JsonNode buckets) {
        if (buckets == null || !buckets.isArray() || buckets.isEmpty()) {
            return;
        }
        long max = 1;
        for (JsonNode b : buckets) {
            max = Math.max(max, b.path("count").asLong());
        }
        int n = buckets.size();
        double barW = (double) (CHART_W - 40) / n;
        h.append("<svg class=\"latency-histogram\" id=\"latency-").append(esc(gate))
                .append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(CHART_W).append("\" height=\"").append(CHART_H + 40)
                .append("\" role=\"img\" aria-label=\"latency histogram\">\n<title>Latency histogram of the ").append(esc(gate))
                .append(" gate</title>\n<line x1=\"30\" y1=\"").append(CHART_H).append("\" x2=\"").append(CHART_W).append("\" y2=\"")
                .append(CHART_H).append("\" class=\"axis\" stroke=\"#888\"/>\n");
        Iterator<JsonNode> it = buckets.elements();
        for (int i = 0; it.hasNext(); i++) {
            JsonNode b = it.next();
            double height = (CHART_H - 20) * (double) b.path("count").asLong() / max;
            double x = 32 + i * barW;
            h.append(String.format(Locale.ROOT,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a78c2\"><title>&lt;= %s ms: %d</title></rect>%n",
                    x, CHART_H - height, Math.max(1, barW - 2), height, b.path("upToMs").asText(), b.path("count").asLong()));
            if (n <= 16 || i % 2 == 0) {
                h.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                        x + barW / 2, CHART_H + 14, esc(b.path("upToMs").asText())));
            }
        }
        h.append("<text x=\"").append(CHART_W / 2).append("\" y=\"").append(CHART_H + 34)
                .append("\" text-anchor=\"middle\">latency up to (ms)</text>\n</svg>\n");
    }

    /** The stage's share of the longest stage, as a bar drawn with SVG attributes (a style attribute is blocked by CSP). */
    private static String timing(int width) {
        return "<svg class=\"timing\" width=\"" + TIMING_W + "\" height=\"10\" aria-hidden=\"true\"><rect width=\"" + width
                + "\" height=\"10\" fill=\"#9bb7e0\"/></svg>";
    }

    private static void row(StringBuilder h, String label, String value) {
        if (value != null && !value.isEmpty()) {
            h.append("<tr><th>").append(esc(label)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
        }
    }

    /** A table cell's text: escaped, digests shortened so the row fits the page. */
    private static String cell(String s) {
        return ReportText.shortDigests(esc(s));
    }

    private static final Map<Character, String> ENTITIES = Map.of('<', "&lt;", '>', "&gt;", '&', "&amp;", '"', "&quot;", '\'', "&#39;");

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            String e = ENTITIES.get(c);
            if (e != null) {
                out.append(e);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
