package io.mlship.spec;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One blessing rule of {@code model.evaluation.thresholds}: a metric compared with a fixed number
 * ({@code ndcg@10 >= 0.6}) or with the value the version holding {@code prod} has, give or take a margin
 * ({@code ndcg@10 >= prod - 0.01}). Parsed strictly, so a typo is a spec error, not a rule that never fails.
 */
public record MetricThreshold(String text, String metric, Operator operator, boolean relative, BigDecimal value) {
    /** Metric names as training writes them: letters, digits and {@code _ @ . : / -}, starting with a letter. */
    public static final Pattern METRIC = Pattern.compile("[A-Za-z][A-Za-z0-9_@.:/-]*");
    private static final String NUMBER = "[-+]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][-+]?[0-9]+)?";
    private static final Pattern RULE = Pattern.compile("\\s*(\\S+?)\\s*(>=|<=|>|<)\\s*(?:(prod)\\s*(?:([-+])\\s*("
            + NUMBER + "))?|(" + NUMBER + "))\\s*");

    /** The comparisons a rule can make; lower-is-better metrics (a loss) use {@code <=} or {@code <}. */
    public enum Operator {
        AT_LEAST(">="), ABOVE(">"), AT_MOST("<="), BELOW("<");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        static Operator of(String symbol) {
            for (Operator o : values()) {
                if (o.symbol.equals(symbol)) {
                    return o;
                }
            }
            throw new IllegalArgumentException(symbol);
        }

        boolean holds(double left, double right) {
            return switch (this) {
                case AT_LEAST -> left >= right;
                case ABOVE -> left > right;
                case AT_MOST -> left <= right;
                case BELOW -> left < right;
            };
        }
    }

    /**
     * Parses {@code METRIC OP NUMBER} or {@code METRIC OP prod [+|- NUMBER]}.
     *
     * @throws IllegalArgumentException naming what is wrong and showing the accepted forms
     */
    public static MetricThreshold parse(String text) {
        Matcher m = text == null ? null : RULE.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a threshold: write METRIC OP NUMBER or METRIC OP prod "
                    + "[+|- NUMBER] with OP one of >=, >, <=, < (e.g. 'ndcg@10 >= 0.6', 'ndcg@10 >= prod - 0.01')");
        }
        String metric = m.group(1);
        if (!METRIC.matcher(metric).matches()) {
            throw new IllegalArgumentException("'" + metric + "' in '" + text.trim() + "' is not a metric name: start with a "
                    + "letter; letters, digits and _ @ . : / - only, as the key in the metrics file");
        }
        Operator op = Operator.of(m.group(2));
        if (m.group(3) != null) {
            BigDecimal margin = m.group(5) == null ? BigDecimal.ZERO : new BigDecimal(m.group(5));
            if (margin.signum() < 0 || m.group(5) != null && m.group(5).startsWith("+")) {
                throw new IllegalArgumentException("'" + text.trim() + "': write the margin after prod without a sign of its "
                        + "own, e.g. 'prod - 0.01'");
            }
            return new MetricThreshold(text.trim(), metric, op, true, "-".equals(m.group(4)) ? margin.negate() : margin);
        }
        return new MetricThreshold(text.trim(), metric, op, false, new BigDecimal(m.group(6)));
    }

    /** Prefix of the model-version labels that keep a version's metrics. */
    public static final String LABEL_PREFIX = "mlship-metric-";

    /**
     * The Vertex AI label key a metric's value is kept under on a model version. Label keys allow lower-case
     * letters, digits, '_' and '-' (at most 63), so other characters become '_' ({@code ndcg@10} → {@code
     * mlship-metric-ndcg_10}); the spec refuses two metrics that would share a key.
     */
    public static String labelKey(String metric) {
        return LABEL_PREFIX + metric.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_-]", "_");
    }

    /** The number the candidate is compared with: the fixed value, or prod's value with the margin applied. */
    public double bound(Double prod) {
        if (!relative) {
            return value.doubleValue();
        }
        if (prod == null) {
            throw new IllegalStateException(text + " needs prod's value");
        }
        return BigDecimal.valueOf(prod).add(value).doubleValue();
    }

    /** Whether {@code candidate} meets the rule; {@code prod} is needed by relative rules only. */
    public boolean holds(double candidate, Double prod) {
        return operator.holds(candidate, bound(prod));
    }
}
