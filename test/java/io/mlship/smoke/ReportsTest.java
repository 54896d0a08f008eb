package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.progress.Progress;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.golden.GoldenPlan;
import io.mlship.smoke.load.LoadPlan;
import io.mlship.smoke.report.HtmlReport;
import io.mlship.smoke.report.JunitReport;
import io.mlship.smoke.report.ResultFields;
import io.mlship.smoke.targets.HttpTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** JUnit XML as Jenkins reads it, the HTML report and the result fields, from a real failed gate run. */
class ReportsTest {
    static final String CASES = """
            - name: lipstick <returns> "lipsticks" & more
              request: {method: GET, path: /v1/recommendations}
              expect:
                ranking: {items: $.items, all: {category: lipstick}}
            - name: healthy
              request: {method: GET, path: /healthz}
            """;

    @TempDir
    Path tmp;

    GateResult gate;

    @BeforeEach
    void runAFailingGate() throws Exception {
        Path file = tmp.resolve("cases.yaml");
        Files.writeString(file, CASES);
        ObjectMapper json = new ObjectMapper();
        var cases = new CasesLoader().load(file);
        GatePlan plan = new GatePlan(cases, Duration.ofSeconds(5), new LoadPlan(50, null, 2, 0, true),
                new Thresholds(null, Duration.ofSeconds(2), null, 0.0, null), new GoldenPlan(0, 0, 0, List.of(), List.of()), null);
        try (FakeService wrong = FakeService.wrong(); FakeService prod = FakeService.right();
             HttpTarget t = new HttpTarget(wrong.uri(), "/predict", Duration.ofSeconds(5), json);
             HttpTarget b = new HttpTarget(prod.uri(), "/predict", Duration.ofSeconds(5), json)) {
            gate = new SmokeGate(Progress.silent()).run(plan, t, b);
        }
    }

    @Test
    void junitXmlHasATestPerCaseThresholdAndGoldenCheck() throws Exception {
        Path xml = tmp.resolve("out/smoke-junit.xml");
        new JunitReport().write(gate, xml);

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(xml.toFile());
        Element suite = doc.getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("tests")).isEqualTo("5");
        assertThat(suite.getAttribute("failures")).isEqualTo("2");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(5);
        Element first = (Element) cases.item(0);
        assertThat(first.getAttribute("classname")).isEqualTo("mlship.smoke.cases");
        assertThat(first.getAttribute("name")).isEqualTo("lipstick <returns> \"lipsticks\" & more");
        Element failure = (Element) first.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message"))
                .isEqualTo("$.items[0].category: expected \"lipstick\", got \"face wash\" (id P0018)");
        Element healthy = (Element) cases.item(1);
        assertThat(healthy.getAttribute("name")).isEqualTo("healthy");
        assertThat(healthy.getElementsByTagName("failure").getLength()).isZero();
        assertThat(Double.parseDouble(healthy.getAttribute("time"))).isGreaterThan(0);
        assertThat(((Element) cases.item(2)).getAttribute("classname")).isEqualTo("mlship.smoke.load");
        assertThat(((Element) cases.item(2)).getAttribute("name")).isEqualTo("p95 <= 2000 ms");
        Element golden = (Element) cases.item(4);
        assertThat(golden.getAttribute("classname")).isEqualTo("mlship.smoke.golden");
        assertThat(golden.getElementsByTagName("failure").item(0).getTextContent())
                .startsWith("2 of 2 answers differ from http://127.0.0.1:")
                .contains("$.items[0].category: production \"lipstick\", candidate \"face wash\"");
    }

    @Test
    void htmlReportIsSelfContainedWithTheLatencyHistogram() throws Exception {
        Path html = tmp.resolve("smoke-report.html");
        new HtmlReport().write(gate, "mlship smoke · reco-service · staging", html);

        String text = Files.readString(html);
        assertThat(text).startsWith("<!DOCTYPE html>")
                .contains("<title>mlship smoke · reco-service · staging</title>")
                .contains("<span class=\"failed\" id=\"verdict\">failed</span>")
                .contains("lipstick &lt;returns&gt; &quot;lipsticks&quot; &amp; more")
                .doesNotContain("<returns>")
                .contains("<svg id=\"latency-histogram\"")
                .contains("$.items[0].category")
                .contains("Golden comparison");
        // Every measured request is in one bar of the chart.
        long bars = 0;
        var m = java.util.regex.Pattern.compile("<title>&lt;= [0-9.]+ ms: ([0-9]+)</title>").matcher(text);
        while (m.find()) {
            bars += Long.parseLong(m.group(1));
        }
        assertThat(bars).isEqualTo(50);
        // Nothing is fetched from elsewhere when the report opens; its only link is the stylesheet written beside it.
        assertThat(text).doesNotContain("<script").doesNotContain("src=").doesNotContain("@import")
                .doesNotContain("<style").doesNotContain("style=");
        assertThat(text.split("<link", -1)).hasSize(2);
        assertThat(text).contains("<link rel=\"stylesheet\" href=\"mlship-report.css\">");
        assertThat(Files.readString(tmp.resolve("mlship-report.css"))).contains("border-collapse: collapse");
    }

    @Test
    void resultFieldsListEveryFailedExpectation() {
        Map<String, Object> result = new LinkedHashMap<>();
        ResultFields.put(gate, result);

        assertThat(result.get("verdict")).isEqualTo("failed");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> failures = (List<Map<String, Object>>) result.get("failures");
        assertThat(failures).first().isEqualTo(Map.of("case", "lipstick <returns> \"lipsticks\" & more",
                "path", "$.items[0].category", "expected", "\"lipstick\"", "actual", "\"face wash\" (id P0018)"));
        assertThat(failures).extracting(f -> f.get("case")).containsExactly(
                "lipstick <returns> \"lipsticks\" & more", "(golden)");
        @SuppressWarnings("unchecked")
        Map<String, Object> latency = (Map<String, Object>) result.get("latency");
        assertThat(latency).containsEntry("source", "load").containsEntry("count", 50L).containsKeys("p50Ms", "p95Ms", "p99Ms");
    }
}
