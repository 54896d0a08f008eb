package io.mlship.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one check a pull-request build publishes, composed from the results of its steps: spec validity, the image
 * digest (built, not pushed), the manifest diff against the target environment from the server-side dry run, the
 * planned traffic, and the model's metrics against prod. A result that is null is a step that did not run.
 *
 * @param service   the spec's service name
 * @param env       the environment the pull request is checked against
 * @param validate  mlship validate's result
 * @param build     mlship build's result (to a tar)
 * @param deploy    mlship deploy --dry-run's result
 * @param promote   mlship promote --check-only's result, with {@code blessing} when model.evaluation is configured
 * @param traffic   what a release would do to traffic, or null when the spec could not say
 */
public record PullRequestCheck(String service, String env, JsonNode validate, JsonNode build, JsonNode deploy,
                               JsonNode promote, PlannedTraffic traffic) {

    /** success, or failure when the spec is invalid or the candidate model is not blessed (and not overridden). */
    public String conclusion() {
        boolean invalid = validate != null && validate.path("valid").isBoolean() && !validate.path("valid").asBoolean();
        JsonNode blessing = blessing();
        boolean unblessed = blessing != null && !blessing.path("blessed").asBoolean(false) && !overridden(blessing);
        return invalid || unblessed ? "failure" : "success";
    }

    public String title() {
        return "mlship: " + service + " against " + env + ("success".equals(conclusion()) ? "" : " — needs work");
    }

    /** The check's summary: one line per part. */
    public String summary() {
        List<String> rows = new ArrayList<>();
        rows.add("| Spec | " + specLine() + " |");
        rows.add("| Image | " + imageLine() + " |");
        rows.add("| Manifest diff | " + diffLine() + " |");
        rows.add("| Model | " + modelLine() + " |");
        return "| | " + env + " |\n|---|---|\n" + String.join("\n", rows) + "\n";
    }

    /** The whole check: the summary, then the diff, the planned traffic and the metric deltas. */
    public String markdown() {
        StringBuilder md = new StringBuilder("## ").append(title()).append("\n\n").append(summary());
        md.append("\n### Manifest diff against ").append(env).append(" (server-side dry run)\n\n").append(diffBlock());
        md.append("\n### Planned traffic\n\n");
        List<String> lines = traffic == null ? List.of() : traffic.lines();
        md.append(lines.isEmpty() ? "Nothing would move traffic.\n" : "- " + String.join("\n- ", lines) + "\n");
        md.append("\n### Model metrics against prod\n\n").append(metricsBlock());
        return md.toString();
    }

    private String specLine() {
        if (validate == null) {
            return "not validated";
        }
        if (!validate.path("valid").asBoolean(false)) {
            return "❌ invalid: " + validate.path("problems").size() + " problem(s)";
        }
        List<String> envs = new ArrayList<>();
        validate.path("environments").forEach(e -> envs.add(e.asText()));
        return "✅ valid" + (envs.isEmpty() ? "" : " for " + String.join(", ", envs));
    }

    private String imageLine() {
        if (build == null) {
            return "not built (no service in this pipeline)";
        }
        return "`" + build.path("digest").asText("?") + "` (built to a tar, not pushed)";
    }

    private String diffLine() {
        if (deploy == null) {
            return "no dry run (no service, or `skip 'diff'`)";
        }
        int changed = 0;
        for (JsonNode o : deploy.path("objects")) {
            changed += "unchanged".equals(o.path("action").asText()) ? 0 : 1;
        }
        return changed == 0 ? "no change" : changed + " of " + deploy.path("objects").size() + " objects change";
    }

    private String modelLine() {
        if (promote == null) {
            return "not checked (no model version named)";
        }
        JsonNode blessing = blessing();
        String artifacts = "`" + promote.path("artifacts").asText("?") + "` (" + promote.path("files").asInt() + " files)";
        if (blessing == null) {
            return artifacts + "; no model evaluation configured";
        }
        String verdict = blessing.path("blessed").asBoolean(false) ? "✅ blessed"
                : overridden(blessing) ? "⚠️ not blessed (overridden)" : "❌ not blessed";
        return artifacts + "; " + verdict;
    }

    private String diffBlock() {
        if (deploy == null) {
            return "No dry run.\n";
        }
        StringBuilder out = new StringBuilder("```diff\n");
        for (JsonNode o : deploy.path("objects")) {
            String action = o.path("action").asText();
            out.append(mark(action)).append(' ').append(o.path("kind").asText()).append(' ').append(o.path("name").asText())
                    .append(" (").append(action).append(")\n");
            for (JsonNode f : o.path("fields")) {
                out.append("    ").append(f.asText()).append('\n');
            }
        }
        return out.append("```\n").toString();
    }

    private static char mark(String action) {
        return switch (action) {
            case "create" -> '+';
            case "prune" -> '-';
            case "update" -> '!';
            default -> ' ';
        };
    }

    private String metricsBlock() {
        JsonNode blessing = blessing();
        if (blessing == null) {
            return promote == null ? "No model checked.\n"
                    : "No model evaluation configured (`model.evaluation` in the spec names the metrics file and thresholds).\n";
        }
        StringBuilder out = new StringBuilder();
        String prod = blessing.path("prodVersion").isMissingNode() || blessing.path("prodVersion").isNull() ? null
                : blessing.path("prodVersion").asText();
        out.append("Candidate metrics from `").append(blessing.path("metricsFile").asText("?")).append("`")
                .append(prod == null ? ", no version holds prod yet" : ", prod is version " + prod).append(".\n\n");
        out.append("| Metric | Candidate | Prod | Δ |\n|---|---:|---:|---:|\n");
        for (JsonNode m : blessing.path("metrics")) {
            out.append("| ").append(m.path("name").asText()).append(" | ").append(number(m.path("candidate")))
                    .append(" | ").append(number(m.path("prod"))).append(" | ").append(delta(m.path("delta"))).append(" |\n");
        }
        if (blessing.path("thresholds").size() > 0) {
            out.append("\n| Threshold | Result |\n|---|---|\n");
            for (JsonNode t : blessing.path("thresholds")) {
                out.append("| `").append(t.path("rule").asText()).append("` | ")
                        .append(t.path("passed").asBoolean(false) ? "✅ " : "❌ ").append(t.path("detail").asText("")).append(" |\n");
            }
        }
        if (overridden(blessing)) {
            JsonNode why = blessing.path("overridden");
            out.append("\nBlessing overridden").append(why.isBoolean() ? "" : ": " + (why.isObject() ? why.path("reason").asText(why.toString())
                    : why.asText())).append(".\n");
        }
        return out.toString();
    }

    /** {@code overridden} is true, or says who and why: either way the candidate goes on. */
    private static boolean overridden(JsonNode blessing) {
        JsonNode o = blessing.path("overridden");
        return o.isBoolean() ? o.asBoolean() : o.isObject() || o.isTextual() && !o.asText().isBlank();
    }

    private JsonNode blessing() {
        JsonNode b = promote == null ? null : promote.get("blessing");
        return b == null || b.isNull() ? null : b;
    }

    private static String number(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%.4f", n.asDouble()) : "—";
    }

    private static String delta(JsonNode n) {
        return n.isNumber() ? String.format(Locale.ROOT, "%+.4f", n.asDouble()) : "—";
    }
}
