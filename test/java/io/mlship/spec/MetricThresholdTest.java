package io.mlship.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlship.spec.MetricThreshold.Operator;
import org.junit.jupiter.api.Test;

class MetricThresholdTest {

    @Test
    void absoluteRuleComparesWithItsNumber() {
        MetricThreshold t = MetricThreshold.parse("ndcg@10 >= 0.6");
        assertThat(t.metric()).isEqualTo("ndcg@10");
        assertThat(t.operator()).isEqualTo(Operator.AT_LEAST);
        assertThat(t.relative()).isFalse();
        assertThat(t.holds(0.6, null)).isTrue();
        assertThat(t.holds(0.5999, null)).isFalse();
    }

    @Test
    void relativeRuleAppliesItsMarginToProdsValue() {
        MetricThreshold t = MetricThreshold.parse("ndcg@10 >= prod - 0.01");
        assertThat(t.relative()).isTrue();
        assertThat(t.bound(0.61)).isEqualTo(0.60);
        assertThat(t.holds(0.60, 0.61)).isTrue(); // exactly at the margin: no floating-point drift
        assertThat(t.holds(0.599, 0.61)).isFalse();
        assertThat(MetricThreshold.parse("recall@10>=prod").holds(0.5, 0.5)).isTrue();
        assertThat(MetricThreshold.parse("loss <= prod + 0.05").holds(0.36, 0.3)).isFalse();
    }

    @Test
    void strictOperatorsAndLowerIsBetterMetrics() {
        assertThat(MetricThreshold.parse("loss < 0.3").holds(0.3, null)).isFalse();
        assertThat(MetricThreshold.parse("loss <= 0.3").holds(0.3, null)).isTrue();
        assertThat(MetricThreshold.parse("auc > 0.9").holds(0.9, null)).isFalse();
        assertThat(MetricThreshold.parse("auc > 1e-1").holds(0.2, null)).isTrue();
    }

    @Test
    void relativeRuleWithoutProdIsAProgrammingError() {
        assertThatThrownBy(() -> MetricThreshold.parse("ndcg@10 >= prod").holds(0.5, null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void malformedRulesAreRefusedWithTheAcceptedForms() {
        for (String bad : new String[] {"ndcg@10 => 0.6", "ndcg@10 >= production", "ndcg@10 0.6", ">= 0.6",
                "ndcg@10 >= prod * 0.9", "ndcg@10 >= 0.6 0.7", ""}) {
            assertThatThrownBy(() -> MetricThreshold.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("METRIC OP");
        }
        assertThatThrownBy(() -> MetricThreshold.parse("ndcg@10 >= prod - -0.01"))
                .hasMessageContaining("without a sign of its own");
        assertThatThrownBy(() -> MetricThreshold.parse("10ndcg >= 0.5")).hasMessageContaining("is not a metric name");
    }

    @Test
    void labelKeysFollowVertexRules() {
        assertThat(MetricThreshold.labelKey("NDCG@10")).isEqualTo("mlship-metric-ndcg_10");
        assertThat(MetricThreshold.labelKey("recall.at-10")).isEqualTo("mlship-metric-recall_at-10");
    }
}
