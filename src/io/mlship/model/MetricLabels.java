package io.mlship.model;

import io.mlship.spec.MetricThreshold;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model version's metrics kept as Vertex AI labels, so the version holding prod can be compared with later
 * candidates from any agent. Labels, not imported model evaluations: an evaluation needs one of Google's metric
 * schemas (classification, regression, forecasting …), which ranking metrics such as NDCG do not fit. Label values
 * allow only lower-case letters, digits, '_' and '-' (at most 63), so the decimal point is kept as '_'
 * ({@code 0.6312} → {@code 0_6312}), with eight significant digits.
 */
final class MetricLabels {
    /** Set on a version that was promoted: {@code passed} (met the thresholds) or {@code overridden}. */
    static final String BLESSING = "mlship-blessing";
    /** Vertex AI allows 64 labels on a resource; the metrics leave room for the spec's and mlship's own. */
    static final int MAX_METRICS = 40;
    private static final Pattern VALUE = Pattern.compile("-?[0-9]+(_[0-9]+)?");

    private MetricLabels() {
    }

    /** The label value of {@code value}; empty when it cannot be written as one (too long). */
    static Optional<String> value(double value) {
        String plain = new BigDecimal(Double.toString(value)).round(new MathContext(8)).stripTrailingZeros().toPlainString();
        String label = plain.replace('.', '_');
        return label.length() <= 63 && VALUE.matcher(label).matches() ? Optional.of(label) : Optional.empty();
    }

    /** The number a label value holds; empty when the value is not one this class wrote. */
    static Optional<Double> parse(String label) {
        if (label == null || !VALUE.matcher(label).matches()) {
            return Optional.empty();
        }
        return Optional.of(Double.parseDouble(label.replace('_', '.')));
    }

    /**
     * The labels for {@code metrics}: the ones the thresholds name first (they are what a later candidate is compared
     * with), then the others while there is room and their keys are free.
     */
    static Map<String, String> of(Map<String, Double> metrics, java.util.Collection<String> judged) {
        Map<String, String> out = new LinkedHashMap<>();
        java.util.List<String> order = new java.util.ArrayList<>(judged);
        metrics.keySet().stream().filter(m -> !judged.contains(m)).forEach(order::add);
        for (String metric : order) {
            Double v = metrics.get(metric);
            String key = MetricThreshold.labelKey(metric);
            if (v == null || out.size() >= MAX_METRICS || out.containsKey(key) || key.length() > 63
                    || !MetricThreshold.METRIC.matcher(metric).matches()) {
                continue;
            }
            value(v).ifPresent(label -> out.put(key, label));
        }
        return out;
    }

    /** {@code metric}'s value among a version's labels. */
    static Optional<Double> read(Map<String, String> labels, String metric) {
        return parse(labels.get(MetricThreshold.labelKey(metric)));
    }

    /**
     * {@code base} with the candidate's metrics and its blessing added: what a promoted version carries. Metric
     * labels are the candidate's values, the judged ones first.
     */
    static Map<String, String> onVersion(Map<String, String> base, Blessing b) {
        Map<String, Double> values = new LinkedHashMap<>();
        b.metrics().forEach(m -> {
            if (m.candidate() != null) {
                values.put(m.name(), m.candidate());
            }
        });
        java.util.Set<String> judged = new java.util.LinkedHashSet<>();
        b.thresholds().forEach(t -> judged.add(io.mlship.spec.MetricThreshold.parse(t.rule()).metric()));
        Map<String, String> out = new java.util.TreeMap<>(base);
        out.putAll(of(values, judged));
        out.put(BLESSING, b.blessed() ? "passed" : "overridden");
        return out;
    }

    /** Whether {@code key} is one of the labels blessing sets (and a reused version may lack). */
    static boolean isBlessingLabel(String key) {
        return key.equals(BLESSING) || key.startsWith(MetricThreshold.LABEL_PREFIX);
    }
}
