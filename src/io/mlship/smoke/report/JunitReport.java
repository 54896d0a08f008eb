package io.mlship.smoke.report;

import io.mlship.smoke.CaseResult;
import io.mlship.smoke.GateResult;
import io.mlship.smoke.ThresholdCheck;
import io.mlship.smoke.expect.Mismatch;
import io.mlship.smoke.golden.GoldenDiff;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The gate as JUnit XML, the format Jenkins' {@code junit} step reads: one test per case, one per threshold and
 * one for the golden comparison, each failure listing the expectations it missed. A case not sent and a load run
 * skipped are {@code <skipped>} with the reason; a load run stopped early is a failure saying why.
 */
public final class JunitReport {
    private static final String SUITE = "mlship.smoke";

    public void write(GateResult g, Path file) throws IOException {
        List<Test> tests = new ArrayList<>();
        for (CaseResult c : g.cases()) {
            List<String> lines = new ArrayList<>();
            for (Mismatch m : c.mismatches()) {
                lines.add(m.path() + ": expected " + m.expected() + ", got " + m.actual());
            }
            tests.add(new Test("cases", c.smokeCase().name(), c.response().latencyNanos() / 1e9, lines, c.notSent()));
        }
        if (g.loadSkipped() != null) {
            tests.add(new Test("load", "load run", 0, List.of(), g.loadSkipped()));
        } else if (g.load() != null && g.load().stoppedEarly() != null) {
            tests.add(new Test("load", "load run", g.load().wallNanos() / 1e9, List.of("stopped early after "
                    + g.load().requests() + " of " + g.load().planned() + " requests: " + g.load().stoppedEarly()), null));
        }
        for (ThresholdCheck t : g.thresholds()) {
            tests.add(new Test("load", t.name() + " " + t.limit(), 0,
                    t.passed() ? List.of() : List.of(t.name() + ": expected " + t.limit() + ", got " + t.actual()), null));
        }
        if (g.golden() != null) {
            List<String> lines = new ArrayList<>();
            if (!g.golden().passed()) {
                lines.add(String.format(Locale.ROOT, "%d of %d answers differ from %s (%.1f%%; at most %.1f%% allowed)",
                        g.golden().differing(), g.golden().compared(), g.golden().baseline(),
                        g.golden().diffRatio() * 100, g.golden().maxDiffRatio() * 100));
                for (GoldenDiff d : g.golden().differences()) {
                    lines.add(d.caseName() + " " + d.path() + ": production " + d.baseline() + ", candidate " + d.candidate());
                }
            }
            tests.add(new Test("golden", "answers match production", 0, lines, null));
        }
        long failures = tests.stream().filter(t -> !t.failures().isEmpty()).count();
        long skipped = tests.stream().filter(t -> t.skipped() != null).count();
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", SUITE);
            x.writeAttribute("tests", String.valueOf(tests.size()));
            x.writeAttribute("failures", String.valueOf(failures));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", String.valueOf(skipped));
            x.writeCharacters("\n");
            x.writeStartElement("properties");
            property(x, "target", clean(g.target()));
            property(x, "verdict", g.verdict());
            x.writeEndElement();
            x.writeCharacters("\n");
            for (Test t : tests) {
                x.writeCharacters("  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", SUITE + "." + t.group());
                x.writeAttribute("name", clean(t.name()));
                x.writeAttribute("time", String.format(Locale.ROOT, "%.3f", t.seconds()));
                if (!t.failures().isEmpty()) {
                    x.writeStartElement("failure");
                    x.writeAttribute("message", clean(t.failures().get(0)));
                    x.writeAttribute("type", "expectation");
                    x.writeCharacters(clean(String.join("\n", t.failures())));
                    x.writeEndElement();
                } else if (t.skipped() != null) {
                    x.writeEmptyElement("skipped");
                    x.writeAttribute("message", clean(t.skipped()));
                }
                x.writeEndElement();
                x.writeCharacters("\n");
            }
            x.writeEndElement();
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** XML 1.0 cannot carry most control characters, and an answer's body may hold any. */
    static String clean(String text) {
        return text.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]", "?");
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeEmptyElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", value);
    }

    /** {@code skipped}: why the test did not run (JUnit's {@code <skipped>}), null when it ran. */
    private record Test(String group, String name, double seconds, List<String> failures, String skipped) {
    }
}
