package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import io.mlship.report.ReportStylesheet;
import io.mlship.smoke.GateRuns;
import io.mlship.smoke.report.HtmlReport;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every HTML report mlship writes, served as Jenkins serves build artifacts (its default Content-Security-Policy)
 * and rendered in headless Chromium at 1280 px: no CSP violation, tables styled by the stylesheet beside them, no
 * word broken inside a table cell. Screenshots land in target/report-screenshots/.
 */
class ReportsUnderJenkinsCspTest {
    static final Path SCREENSHOTS = Path.of("target/report-screenshots");

    @TempDir
    Path tmp;

    /** The release report of a rolled-back release and the smoke reports of a failed and a passed gate run. */
    private Path writeReports(Path dir) throws Exception {
        new ReleaseReport().write(ReleaseReportTest.rolledBack(), dir.resolve("release-report.html"));
        new HtmlReport().write(GateRuns.failing(tmp.resolve("failing")), "mlship smoke · reco-service · staging",
                dir.resolve("gate-vertex/smoke-report.html"));
        new HtmlReport().write(GateRuns.passing(tmp.resolve("passing")), "mlship smoke · reco-service · staging",
                dir.resolve("gate-service/smoke-report.html"));
        return dir;
    }

    @Test
    void everyReportRendersWithoutViolationsAndWithStyledTables() throws Exception {
        Path reports = writeReports(tmp.resolve("reports"));

        JenkinsCspCheck.Outcome out = JenkinsCspCheck.run(reports, SCREENSHOTS);

        assertThat(out.exitCode()).as(out.output()).isZero();
        assertThat(out.output()).contains("ok    release-report.html (5 tables", "ok    gate-vertex/smoke-report.html",
                "ok    gate-service/smoke-report.html", "3 passed, 0 failed").doesNotContain("FAIL");
        for (String shot : new String[] {"release-report.png", "gate-vertex__smoke-report.png", "gate-service__smoke-report.png"}) {
            BufferedImage png = ImageIO.read(SCREENSHOTS.resolve(shot).toFile());
            assertThat(png.getWidth()).as(shot).isEqualTo(1280);
        }
    }

    @Test
    void theCheckFailsOnInlineStylesAMissingStylesheetAndWordsBrokenInNarrowColumns() throws Exception {
        Path reports = writeReports(tmp.resolve("doctored"));
        Path release = reports.resolve("release-report.html");
        String html = Files.readString(release, StandardCharsets.UTF_8);
        // As the reports were before: the styles inline, which Jenkins' CSP drops.
        Files.writeString(reports.resolve("inline.html"), html.replace(ReportStylesheet.link(), "<style>table{border-collapse:collapse}</style>")
                .replace("<table id=\"stages\">", "<table id=\"stages\" style=\"width:100%\">"), StandardCharsets.UTF_8);
        // Cells allowed to break anywhere in a squeezed column: "pa / ss / ed".
        Files.writeString(reports.resolve("squeezed.css"), "#stages{width:100%} #stages td:nth-child(2),#stages th:nth-child(2)"
                + "{width:1px;overflow-wrap:anywhere;white-space:normal}", StandardCharsets.UTF_8);
        Files.writeString(release, html.replace(ReportStylesheet.link(), ReportStylesheet.link() + "<link rel=\"stylesheet\" href=\"squeezed.css\">"),
                StandardCharsets.UTF_8);
        Files.delete(reports.resolve("gate-service/" + ReportStylesheet.FILE_NAME));

        JenkinsCspCheck.Outcome out = JenkinsCspCheck.run(reports, tmp.resolve("shots"));

        assertThat(out.exitCode()).as(out.output()).isEqualTo(1);
        assertThat(out.output()).contains("FAIL  inline.html", "CSP violation: ", "style-src", "inline <style>, <script> or style=")
                .contains("FAIL  release-report.html", "table #stages: the word \"passed\" is broken over")
                .contains("FAIL  gate-service/smoke-report.html", "the stylesheet mlship-report.css did not apply", "is unstyled")
                .contains("ok    gate-vertex/smoke-report.html", "1 passed, 3 failed");
    }
}
