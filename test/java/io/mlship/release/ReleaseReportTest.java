package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The release report and summary, drawn from a release record; the HTML is checked by rendering it in Chromium. */
class ReleaseReportTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static ReleaseRecord rolledBack() throws Exception {
        ReleaseRecord.Gate gate = new ReleaseRecord.Gate("vertex", "failed", "projects/p/locations/r/endpoints/1", "3",
                JSON.readTree("{\"total\":3,\"passed\":1,\"failed\":2}"),
                JSON.readTree("[{\"case\":\"lipstick <top>\",\"path\":\"$.items[0].category\",\"expected\":\"lipstick\",\"actual\":\"face wash\"}]"),
                JSON.readTree("{\"count\":120,\"p50Ms\":3.1,\"p95Ms\":7.9,\"p99Ms\":12.5,\"maxMs\":20.0,"
                        + "\"buckets\":[{\"upToMs\":2,\"count\":10},{\"upToMs\":4,\"count\":80},{\"upToMs\":8,\"count\":25},{\"upToMs\":16,\"count\":5}]}"),
                JSON.readTree("[{\"name\":\"p99\",\"limit\":\"1s\",\"actual\":\"12.5ms\",\"passed\":true}]"), "/tmp/j.xml", null);
        return new ReleaseRecord("reco-service", "staging", "rolledBack", 1, "the endpoint gate failed: 2 of 3 cases failed (rolled back)",
                null, "2026-11-22T10:00:00Z", "2026-11-22T10:00:41Z", 41.0, "alice", "0123abc", null,
                "reg/repo@sha256:" + "ab".repeat(32), "sha256:" + "ab".repeat(32),
                new ReleaseRecord.Service("reco", "2", "1", "http://127.0.0.1:9", 3),
                new ReleaseRecord.Model("projects/p/locations/r/models/reco-ranker", "3", false, "projects/p/locations/r/endpoints/1",
                        "gs://b/reco-ranker/broken/", "sha256:cd", JSON.readTree("{\"1\":[\"default\",\"prod\"]}"),
                        JSON.readTree("{\"1\":[\"default\",\"prod\"],\"3\":[]}"), JSON.readTree("{\"11\":100}"), JSON.readTree("{\"11\":100}")),
                List.of(gate),
                List.of(new StageResult("build", StageStatus.PASSED, "2026-11-22T10:00:00Z", 3.2, 0, "sha256:abab"),
                        new StageResult("deploy", StageStatus.PASSED, "2026-11-22T10:00:00Z", 6.0, 0, "revision 2"),
                        new StageResult("promote", StageStatus.PASSED, "2026-11-22T10:00:00Z", 9.5, 0, "reco-ranker@3"),
                        new StageResult("gate-vertex", StageStatus.FAILED, "2026-11-22T10:00:00Z", 4.0, 1, "2 of 3 cases failed"),
                        new StageResult("rollback-model", StageStatus.PASSED, "2026-11-22T10:00:00Z", 2.0, 0, "traffic {11:100}"),
                        new StageResult("rollback-service", StageStatus.PASSED, "2026-11-22T10:00:00Z", 3.0, 0, "restored")),
                new ReleaseRecord.RolledBack(true, true), "r-0123456789ab", null, null, null, null);
    }

    @Test
    void reportRendersInChromiumWithVerdictStagesAliasesAndHistogram() throws Exception {
        Path page = tmp.resolve("release-report.html");
        new ReleaseReport().write(rolledBack(), page);

        String dom = HeadlessChromium.dumpDom(page, tmp);

        assertThat(dom).contains("<p id=\"verdict\" class=\"rolledBack\">Rolled back in 41.0 s</p>");
        assertThat(dom).contains("the endpoint gate failed: 2 of 3 cases failed");
        assertThat(dom.split("<tr class=\"stage\">", -1)).hasSize(7);
        assertThat(dom).contains("lipstick &lt;top&gt;").doesNotContain("lipstick <top>");
        assertThat(dom).contains("{1: [default, prod]}");
        assertThat(dom.split("<rect class=\"bar\"", -1)).hasSize(5);
        assertThat(dom).contains("Approved by</th><td>alice");

        BufferedImage shot = ImageIO.read(HeadlessChromium.screenshot(page, tmp).toFile());
        assertThat(shot.getWidth()).isEqualTo(1200);
        assertThat(distinctColours(shot)).as("a rendered page, not a blank one").isGreaterThan(20);
    }

    @Test
    void summaryTableSaysWhatHappenedAndWhere() throws Exception {
        String s = new ReleaseSummary().render(rolledBack(), tmp.resolve("release-report.html"));

        assertThat(s).contains("mlship release · reco-service → staging · ROLLED BACK in 41.0 s");
        assertThat(s).containsPattern("gate-vertex\\s+failed\\s+4.0 s\\s+2 of 3 cases failed");
        assertThat(s).containsPattern("rollback-model\\s+passed");
        assertThat(s).contains("aliases      {1: [default, prod]} → {1: [default, prod], 3: []}");
        assertThat(s).contains("approved by  alice");
        assertThat(s).contains("report       " + tmp.resolve("release-report.html").toAbsolutePath());
    }

    private static long distinctColours(BufferedImage img) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                colours.add(img.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
