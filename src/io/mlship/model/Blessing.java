package io.mlship.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Whether a candidate's offline metrics meet {@code model.evaluation.thresholds}, against the version holding prod
 * where a rule is relative. Written as-is into result files (the pull-request check reads this shape), the
 * promotion record and the release record.
 *
 * @param prodVersion the version holding prod when the candidate was judged; null on a first release
 * @param overridden  the candidate did not meet the thresholds and went on because {@code --override-blessing} said so
 * @param reason      the reason given with {@code --override-blessing}
 * @param note        what the judgement left out, e.g. relative rules on a first release
 */
public record Blessing(boolean blessed, String metricsFile, String prodVersion, List<Metric> metrics,
                       List<Threshold> thresholds, boolean overridden,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String reason,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String note) {

    public Blessing {
        metrics = List.copyOf(metrics);
        thresholds = List.copyOf(thresholds);
    }

    /** One metric of the candidate, with prod's value and the change where prod has it. */
    public record Metric(String name, Double candidate, Double prod, Double delta) {
    }

    /**
     * One rule as judged. {@code skipped} is set (and {@code passed} true) for a relative rule with no prod to compare
     * with.
     */
    public record Threshold(String rule, boolean passed, String detail,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Boolean skipped) {
    }

    /** Whether the candidate may go on: it met every rule, or a person overrode the refusal with a reason. */
    public boolean allowsPromotion() {
        return blessed || overridden;
    }

    public List<Threshold> failed() {
        return thresholds.stream().filter(t -> !t.passed()).toList();
    }

    /** The same judgement, overridden with {@code why} (only an unblessed candidate can be). */
    public Blessing overriddenBecause(String why) {
        return blessed ? this : new Blessing(false, metricsFile, prodVersion, metrics, thresholds, true, why, note);
    }

    /** One line for logs and the release's reason, e.g. {@code ndcg@10 >= prod - 0.01: 0.41 is not >= 0.6}. */
    public String summary() {
        if (blessed) {
            return "blessed: " + thresholds.size() + " of " + thresholds.size() + " thresholds met"
                    + (prodVersion == null ? "" : " against prod version " + prodVersion) + (note == null ? "" : " (" + note + ")");
        }
        return failed().size() + " of " + thresholds.size() + " thresholds not met" + (prodVersion == null ? ""
                : " against prod version " + prodVersion) + ": " + String.join("; ",
                failed().stream().map(t -> t.rule() + " (" + t.detail() + ")").toList());
    }
}
