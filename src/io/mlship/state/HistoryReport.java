package io.mlship.state;

import io.mlship.result.MlshipException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code mlship history} shows of one environment's {@link History}: every change as a table, or with an
 * instant what served then; and the same as result fields (for {@code --json}, the result file and the step).
 */
public final class HistoryReport {
    private static final String NONE = "<none>";
    private static final List<String> COLUMNS = List.of("AT", "KIND", "RELEASE", "IMAGE", "MODEL VERSION", "TRAFFIC", "WHO",
            "BUILD");

    private final History history;
    private final String environment;
    private final String where;
    private final Instant at;

    /** {@code at} null: the whole history. */
    public HistoryReport(History history, String environment, String where, Instant at) {
        this.history = history;
        this.environment = environment;
        this.where = where;
        this.at = at;
    }

    /** An instant option's value, or exit 2 naming the option, the value and the format it takes; null stays null. */
    public static Instant instant(String text, String option) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw MlshipException.badInput(option + " '" + text + "' is not an instant",
                    "write an ISO-8601 instant, e.g. " + option + " 2026-12-04T10:00:00Z (UTC) or 2026-12-04T11:00:00+01:00");
        }
    }

    /** The rows shown: every change, or with an instant the one whose state was in force then (if any). */
    public List<HistoryRow> rows() {
        if (at == null) {
            return history.rows();
        }
        return history.entryAt(at).map(HistoryRow::of).stream().toList();
    }

    /** The result fields: environment, store, changes (how many kept), rows; with an instant also at and serving. */
    public Map<String, Object> fields() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("environment", environment);
        out.put("store", where);
        out.put("changes", history.rows().size());
        if (at != null) {
            out.put("at", at.toString());
            out.put("serving", history.at(at).orElse(null));
        }
        out.put("rows", rows());
        return out;
    }

    /** For a person: the table, the state at the instant, or why there is nothing to show. */
    public String text() {
        if (history.isEmpty()) {
            return "No changes recorded for environment " + environment + " in " + where + ".\n";
        }
        if (at == null) {
            return table(rows());
        }
        Optional<JournalEntry> entry = history.entryAt(at);
        if (entry.isEmpty()) {
            return "Nothing served in environment " + environment + " at " + at + " as far as recorded: the first change is at "
                    + history.rows().get(0).at() + ".\n";
        }
        return state(entry.get());
    }

    private String state(JournalEntry e) {
        Serving s = e.serving();
        StringBuilder out = new StringBuilder("Serving in " + environment + " at " + at + " (since " + e.at() + ", " + e.kind()
                + (e.releaseId() == null ? "" : " " + e.releaseId()) + (e.who() == null ? "" : " by " + e.who()) + "):\n");
        line(out, "Image", s.imageDigest());
        line(out, "Model version", s.modelVersion() == null ? null
                : s.modelVersion() + (s.modelVersionId() == null ? "" : " (Vertex AI version " + s.modelVersionId() + ")"));
        line(out, "Aliases", s.aliases() == null ? null : s.aliases().entrySet().stream()
                .map(a -> a.getKey() + "=" + String.join("+", a.getValue())).collect(Collectors.joining(",")));
        line(out, "Traffic", traffic(s.traffic()));
        line(out, "Build", e.buildUrl());
        line(out, "Reason", e.reason());
        return out.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format("  %-15s%s%n", label + ":", value == null ? NONE : value));
    }

    static String table(List<HistoryRow> rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(COLUMNS);
        for (HistoryRow r : rows) {
            cells.add(java.util.Arrays.asList(r.at(), r.kind(), r.releaseId(), shortDigest(r.imageDigest()), r.modelVersion(), traffic(r.traffic()),
                    r.who(), r.buildUrl()).stream().map(c -> c == null || c.isEmpty() ? NONE : c).toList());
        }
        int[] width = new int[COLUMNS.size()];
        cells.forEach(row -> {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        });
        StringBuilder out = new StringBuilder();
        for (List<String> row : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                line.append(i == width.length - 1 ? row.get(i) : String.format("%-" + (width[i] + 3) + "s", row.get(i)));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    /** {@code sha256:} and the first 12 hex digits, as image ids are usually shown. */
    static String shortDigest(String digest) {
        if (digest == null) {
            return null;
        }
        int colon = digest.indexOf(':');
        return digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }

    /** deployedModelId:percent, the largest share first. */
    static String traffic(Map<String, Integer> split) {
        if (split == null || split.isEmpty()) {
            return null;
        }
        return split.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(t -> t.getKey() + ":" + t.getValue() + "%").collect(Collectors.joining(","));
    }
}
