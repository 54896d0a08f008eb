package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.progress.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The console lines every stage's progress turns into. */
class ConsoleProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream console = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void aStageLineCarriesTheStageName() {
        Progress deploy = ConsoleProgress.forStage(console, "deploy");
        deploy.step("rollout complete");
        deploy.warn("the image is not pinned");

        assertThat(lines()).containsExactly("[mlship deploy] rollout complete",
                "[mlship deploy] warning: the image is not pinned");
    }

    @Test
    void aSectionIsSetApartByABlankLine() {
        Progress release = ConsoleProgress.forStage(console, "release");
        release.step("reco-service → staging: 3 stages");
        release.section("▶ build (1/3)");

        assertThat(lines()).containsExactly("[mlship release] reco-service → staging: 3 stages", "",
                "[mlship release] ▶ build (1/3)");
    }

    @Test
    void aPartSpeaksUnderItsOwnName() {
        Progress build = ConsoleProgress.forStage(console, "build");
        build.of("build").step("layer app: building");
        build.step("wrote the image");

        assertThat(lines()).containsExactly("[build] layer app: building", "[mlship build] wrote the image");
    }

    @Test
    void linesFromManyThreadsNeverMix() throws InterruptedException {
        Progress smoke = ConsoleProgress.forStage(console, "smoke");
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int id = t;
            threads.add(new Thread(() -> {
                for (int i = 0; i < 200; i++) {
                    smoke.section("thread " + id + " line " + i);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }

        List<String> lines = lines();
        assertThat(lines).hasSize(4 * 200 * 2);
        for (int i = 0; i < lines.size(); i += 2) {
            assertThat(lines.get(i)).isEmpty();
            assertThat(lines.get(i + 1)).matches("\\[mlship smoke] thread \\d line \\d+");
        }
    }
}
