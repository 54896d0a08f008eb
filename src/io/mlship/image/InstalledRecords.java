package io.mlship.image;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What pip recorded of the packages installed in a site-packages folder: each {@code *.dist-info/RECORD} lists the
 * files it installed with their SHA-256 and size (PEP 376, PEP 627). A file whose RECORD row has a hash and whose size
 * on disk is the recorded one is known by that row, so recognising an unchanged dependency folder reads a few
 * kilobytes of RECORDs instead of every byte. Rows without a hash, files of a changed size and files no RECORD lists
 * are not known here: the caller reads those.
 */
final class InstalledRecords {
    /** One RECORD row: the file's hash as pip wrote it ({@code sha256=<urlsafe base64>}) and its size in bytes. */
    record Recorded(String hash, long size) {
    }

    private final Map<String, Recorded> byPath;

    private InstalledRecords(Map<String, Recorded> byPath) {
        this.byPath = Map.copyOf(byPath);
    }

    /** The RECORDs of the folder's {@code *.dist-info} entries; a RECORD that cannot be parsed counts as absent. */
    static InstalledRecords of(Path sitePackages) throws IOException {
        Map<String, Recorded> rows = new HashMap<>();
        if (!Files.isDirectory(sitePackages)) {
            return new InstalledRecords(rows);
        }
        CsvFactory csv = CsvFactory.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();
        try (DirectoryStream<Path> distInfos = Files.newDirectoryStream(sitePackages, "*.dist-info")) {
            for (Path distInfo : distInfos) {
                Path record = distInfo.resolve("RECORD");
                if (Files.isRegularFile(record)) {
                    rows.putAll(read(csv, record));
                }
            }
        }
        return new InstalledRecords(rows);
    }

    /** The rows of one RECORD, read with the CSV parser's token stream (no data binding: this runs on every build). */
    private static Map<String, Recorded> read(CsvFactory csv, Path record) throws IOException {
        Map<String, Recorded> rows = new HashMap<>();
        try (Reader in = Files.newBufferedReader(record, StandardCharsets.UTF_8);
             JsonParser parser = csv.createParser(in)) {
            List<String> row = new ArrayList<>(3);
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.START_ARRAY) {
                    row.clear();
                } else if (token == JsonToken.VALUE_STRING) {
                    row.add(parser.getText());
                } else if (token == JsonToken.END_ARRAY) {
                    add(rows, row);
                }
            }
        } catch (RuntimeException | JsonProcessingException e) {
            return Map.of(); // a malformed RECORD vouches for nothing; its files are read instead
        }
        return rows;
    }

    private static void add(Map<String, Recorded> rows, List<String> row) {
        if (row.size() < 3 || !row.get(1).startsWith("sha256=") || row.get(2).isBlank()) {
            return; // RECORD itself, .pyc files pip did not hash: read like any other file
        }
        String path = Path.of(row.get(0)).normalize().toString().replace('\\', '/');
        if (path.startsWith("../") || path.startsWith("/")) {
            return; // scripts pip put outside this folder are not in its layers
        }
        rows.put(path, new Recorded(row.get(1), Long.parseLong(row.get(2).trim())));
    }

    /** The row for a file (path relative to the folder, '/'-separated) if its size on disk is the recorded one. */
    Optional<Recorded> vouchedFor(String relativePath, long sizeOnDisk) {
        Recorded row = byPath.get(relativePath);
        return row != null && row.size() == sizeOnDisk ? Optional.of(row) : Optional.empty();
    }

    int size() {
        return byPath.size();
    }
}
