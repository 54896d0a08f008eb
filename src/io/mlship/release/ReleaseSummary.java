package io.mlship.release;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;

/** The summary table that ends a release's console output: stages, what was released, where to look. */
public final class ReleaseSummary {

    public String render(ReleaseRecord r, Path report) {
        StringBuilder s = new StringBuilder();
        String verdict = switch (r.status()) {
            case "released" -> "RELEASED";
            case "rolledBack" -> "ROLLED BACK";
            default -> "FAILED";
        };
        String title = "mlship release · " + r.service() + " → " + r.environment() + " · " + verdict + " in "
                + StageLog.fmt(r.seconds()) + " s";
        String rule = "─".repeat(Math.max(72, title.length()));
        s.append(rule).append('\n').append(title).append('\n').append(rule).append('\n');
        s.append(String.format(Locale.ROOT, "%-18s %-12s %8s  %s%n", "stage", "status", "time", "outcome"));
        for (StageResult st : r.stages()) {
            s.append(String.format(Locale.ROOT, "%-18s %-12s %8s  %s%n", st.name(), st.status().id(),
                    st.status() == StageStatus.SKIPPED ? "" : StageLog.fmt(st.seconds()) + " s",
                    st.message() == null ? "" : oneLine(st.message())));
        }
        s.append(rule).append('\n');
        if (r.image() != null || r.imageDigest() != null) {
            line(s, "image", r.image() != null && !r.image().isEmpty() ? r.image() : r.imageDigest());
        }
        if (r.deployed() != null) {
            line(s, "service", serviceLine(r));
        }
        if (r.model() != null) {
            ReleaseRecord.Model m = r.model();
            line(s, "model", shortName(m.model()) + " version " + m.modelVersionId() + (m.reused() ? " (reused)" : "")
                    + " on endpoint " + shortName(m.endpoint()));
            line(s, "aliases", compact(m.aliasesBefore()) + " → " + compact(m.aliasesAfter()));
            line(s, "traffic", compact(m.trafficBefore()) + " → " + compact(m.trafficAfter()));
        }
        for (ReleaseRecord.Gate g : r.gates()) {
            JsonNode c = g.cases();
            line(s, "gate " + g.name(), g.verdict() + (c == null ? "" : ", " + c.path("passed").asInt() + "/"
                    + c.path("total").asInt() + " cases") + (g.latency() == null ? "" : ", p50 " + g.latency().path("p50Ms").asText()
                    + " ms, p99 " + g.latency().path("p99Ms").asText() + " ms"));
        }
        if (r.approvedBy() != null) {
            line(s, "approved by", r.approval() != null ? r.approval().describe() : r.approvedBy());
        }
        if (r.reason() != null) {
            line(s, "why", oneLine(r.reason()));
        }
        line(s, "report", report.toAbsolutePath().toString());
        s.append(rule).append('\n');
        return s.toString();
    }

    /** The service's revision as the release left it: rolled out, or rolled back to the one before. */
    static String serviceLine(ReleaseRecord r) {
        ReleaseRecord.Service d = r.deployed();
        String where = " in namespace " + d.namespace();
        if (r.rolledBack() != null && r.rolledBack().service()) {
            return "revision " + d.revision() + " rolled back; "
                    + (d.previousRevision() == null ? "it was the first, so it was removed" : "revision " + d.previousRevision() + " serves again") + where;
        }
        return "revision " + d.revision() + (d.previousRevision() != null ? " (before: " + d.previousRevision() + ")" : "") + where
                + (d.url() != null ? ", answering at " + d.url() : "");
    }

    private static void line(StringBuilder s, String label, String value) {
        s.append(String.format(Locale.ROOT, "%-12s %s%n", label, value));
    }

    static String compact(JsonNode n) {
        if (n == null || n.isNull()) {
            return "(none)";
        }
        return n.toString().replace("\"", "").replace(",", ", ").replace(":", ": ");
    }

    static String shortName(String resource) {
        if (resource == null) {
            return "";
        }
        int i = resource.lastIndexOf('/');
        return i < 0 ? resource : resource.substring(i + 1);
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() > 140 ? flat.substring(0, 139) + "…" : flat;
    }
}
