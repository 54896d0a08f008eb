package io.mlship.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mlship.spec.TrafficShare;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrafficSplitsTest {

    @Test
    void firstModelGetsEverythingWhateverTheCanary() {
        assertThat(TrafficSplits.forDeploy(Map.of(), new TrafficShare(10))).isEqualTo(Map.of("0", 100));
    }

    @Test
    void othersAreScaledProportionallyAndTheRemainderHandedOut() {
        assertThat(TrafficSplits.forDeploy(Map.of("a", 100), new TrafficShare(10))).isEqualTo(Map.of("a", 90, "0", 10));
        // 70 * 0.85 = 59.5 -> 59, 30 * 0.85 = 25.5 -> 25, one point left goes to the first
        assertThat(TrafficSplits.forDeploy(Map.of("a", 70, "b", 30), new TrafficShare(15))).isEqualTo(Map.of("a", 60, "b", 25, "0", 15));
        assertThat(TrafficSplits.forDeploy(Map.of("a", 100), new TrafficShare(100))).isEqualTo(Map.of("a", 0, "0", 100));
        assertThat(TrafficSplits.forDeploy(Map.of("a", 100), new TrafficShare(0))).isEqualTo(Map.of("a", 100, "0", 0));
    }

    @Test
    void alwaysSumsTo100() {
        for (int pct = 0; pct <= 100; pct++) {
            Map<String, Integer> split = TrafficSplits.forDeploy(Map.of("a", 33, "b", 33, "c", 34), new TrafficShare(pct));
            assertThat(split.values().stream().mapToInt(Integer::intValue).sum()).as("canary %d", pct).isEqualTo(100);
            assertThat(split.get("0")).isEqualTo(pct);
        }
    }

    @Test
    void percentagesOutsideTheRangeAreRefused() {
        assertThatThrownBy(() -> new TrafficShare(101)).hasMessageContaining("101 is not a percentage");
        assertThatThrownBy(() -> new TrafficShare(-1)).hasMessageContaining("-1 is not a percentage");
    }
}
