package io.mlship.model;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The blessing as JUnit XML, beside the gate's, so Jenkins' {@code junit} step lists each threshold the candidate
 * missed: one test per rule, a failure with what was compared, {@code <skipped>} for a relative rule on a first
 * release.
 */
public final class BlessingJunit {
    private static final String SUITE = "mlship.blessing";

    private BlessingJunit() {
    }

    public static Path write(Blessing b, Path file) throws IOException {
        long failures = b.failed().size();
        long skipped = b.thresholds().stream().filter(t -> Boolean.TRUE.equals(t.skipped())).count();
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
            x.writeAttribute("tests", String.valueOf(b.thresholds().size()));
            x.writeAttribute("failures", String.valueOf(failures));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", String.valueOf(skipped));
            x.writeCharacters("\n");
            x.writeStartElement("properties");
            property(x, "metricsFile", b.metricsFile());
            property(x, "prodVersion", b.prodVersion() == null ? "none" : b.prodVersion());
            property(x, "verdict", b.blessed() ? "blessed" : b.overridden() ? "overridden" : "refused");
            if (b.reason() != null) {
                property(x, "overrideReason", b.reason());
            }
            x.writeEndElement();
            x.writeCharacters("\n");
            for (Blessing.Threshold t : b.thresholds()) {
                x.writeCharacters("  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", SUITE + ".thresholds");
                x.writeAttribute("name", clean(t.rule()));
                x.writeAttribute("time", "0.000");
                if (!t.passed()) {
                    x.writeStartElement("failure");
                    x.writeAttribute("message", clean(t.detail()));
                    x.writeAttribute("type", "threshold");
                    x.writeCharacters(clean(t.rule() + ": " + t.detail()));
                    x.writeEndElement();
                } else if (Boolean.TRUE.equals(t.skipped())) {
                    x.writeEmptyElement("skipped");
                    x.writeAttribute("message", clean(t.detail()));
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
        return file;
    }

    private static String clean(String text) {
        return text.replaceAll("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]", "?");
    }

    private static void property(XMLStreamWriter x, String name, String value) throws XMLStreamException {
        x.writeEmptyElement("property");
        x.writeAttribute("name", name);
        x.writeAttribute("value", clean(value));
    }
}
