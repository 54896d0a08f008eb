package io.mlship.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The stylesheet of mlship's HTML reports, written as a file beside each report. Jenkins serves archived files with
 * its default Content-Security-Policy ({@code style-src 'self'}), under which inline styles are dropped and only a
 * stylesheet served from the same place applies.
 */
public final class ReportStylesheet {
    /** The one name every report links to; archiving a report's folder keeps it. */
    public static final String FILE_NAME = "mlship-report.css";
    private static final String RESOURCE = "/io/mlship/report/" + FILE_NAME;

    private ReportStylesheet() {
    }

    /** The element that goes in a report's head. */
    public static String link() {
        return "<link rel=\"stylesheet\" href=\"" + FILE_NAME + "\">";
    }

    /** Writes the stylesheet into the report's folder (creating it) and returns the stylesheet's path. */
    public static Path writeBeside(Path report) throws IOException {
        Path dir = report.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path css = dir.resolve(FILE_NAME);
        Files.writeString(css, text(), StandardCharsets.UTF_8);
        return css;
    }

    static String text() {
        try (InputStream in = ReportStylesheet.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from mlship's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
