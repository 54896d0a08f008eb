package io.mlship.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GateVerdictsTest {
    @TempDir
    Path dir;

    private GateVerdicts verdicts() {
        return new GateVerdicts(new FolderStateStore(dir, "staging"), new ObjectMapper());
    }

    private static GateVerdict passed(String releaseId, String digest, String modelVersion) {
        return new GateVerdict(releaseId, "2026-12-04T10:00:00Z", digest, modelVersion, modelVersion == null ? null : "1",
                "https://ci/job/1/", "0123456789abcdef0123456789abcdef01234567");
    }

    @Test
    void theNewestPassedGateOfAnImageOrModelVersionIsFound() {
        GateVerdicts gates = verdicts();
        assertThat(gates.latest()).isEmpty();
        gates.record(passed("r1", "sha256:a", "v1"));
        gates.record(passed("r2", "sha256:b", "v1"));
        gates.record(passed("r3", "sha256:a", "v2"));

        assertThat(gates.latest()).get().extracting(GateVerdict::releaseId).isEqualTo("r3");
        assertThat(gates.all()).extracting(GateVerdict::releaseId).containsExactly("r3", "r2", "r1");
        assertThat(gates.passedImage("sha256:a")).get().extracting(GateVerdict::releaseId).isEqualTo("r3");
        assertThat(gates.passedImage("sha256:b")).get().extracting(GateVerdict::releaseId).isEqualTo("r2");
        assertThat(gates.passedModel("v1")).get().extracting(GateVerdict::releaseId).isEqualTo("r2");
        assertThat(gates.passedImage("sha256:never")).isEmpty();
        assertThat(gates.passedModel("v9")).isEmpty();
        assertThat(dir.resolve("gates-staging.json")).exists();
    }

    @Test
    void onlyTheLastHundredAreKept() {
        GateVerdicts gates = verdicts();
        for (int i = 1; i <= GateVerdicts.KEPT + 5; i++) {
            gates.record(passed("r" + i, "sha256:" + i, null));
        }
        assertThat(gates.all()).hasSize(GateVerdicts.KEPT);
        assertThat(gates.all().get(0).releaseId()).isEqualTo("r105");
        assertThat(gates.all().get(GateVerdicts.KEPT - 1).releaseId()).isEqualTo("r6");
        assertThat(gates.passedImage("sha256:5")).isEmpty();
    }

    @Test
    void racingRecordersLoseNoVerdict() throws Exception {
        int writers = 5;
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                GateVerdicts gates = verdicts();
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        gates.record(passed(writer + "-" + i, "sha256:x", null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(verdicts().all()).extracting(GateVerdict::releaseId).hasSize(writers * each).doesNotHaveDuplicates();
    }
}
