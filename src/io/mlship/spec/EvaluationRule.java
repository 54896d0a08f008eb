package io.mlship.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code model.evaluation.thresholds}: every rule parses, and every metric they name can be kept as a label on the
 * model version (the key fits, and no two metrics share one), so the version holding prod can later be compared.
 */
final class EvaluationRule implements SpecRule {
    private static final int MAX_LABEL_KEY = 63;

    @Override
    public void check(RuleContext ctx) {
        ModelSpec model = ctx.spec().model();
        if (model == null || model.evaluation() == null) {
            return;
        }
        List<String> rules = model.evaluation().thresholds();
        Map<String, String> keys = new LinkedHashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            String pointer = "/model/evaluation/thresholds/" + i;
            MetricThreshold t;
            try {
                t = MetricThreshold.parse(rules.get(i));
            } catch (IllegalArgumentException e) {
                ctx.error(pointer, e.getMessage(), "e.g. 'ndcg@10 >= 0.6' or 'ndcg@10 >= prod - 0.01'");
                continue;
            }
            String key = MetricThreshold.labelKey(t.metric());
            if (key.length() > MAX_LABEL_KEY) {
                ctx.error(pointer, "metric name '" + t.metric() + "' is too long to be kept on the model version (label key "
                        + key + " has " + key.length() + " characters, at most " + MAX_LABEL_KEY + ")",
                        "name the metric in at most " + (MAX_LABEL_KEY - MetricThreshold.LABEL_PREFIX.length())
                                + " characters in training's metrics file and here");
                continue;
            }
            String other = keys.putIfAbsent(key, t.metric());
            if (other != null && !other.equals(t.metric())) {
                ctx.error(pointer, "metrics '" + other + "' and '" + t.metric() + "' would both be kept under label " + key,
                        "Vertex AI labels allow only lower-case letters, digits, '_' and '-': rename one of the metrics");
            }
        }
    }
}
