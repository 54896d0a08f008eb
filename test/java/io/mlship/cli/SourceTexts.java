package io.mlship.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The texts a person may read in a source file, each with the words around it that say what it talks about: in
 * Java and Groovy (Jenkinsfiles too) the string literals of one statement, joined (comments and code left out);
 * in docs, step help and scripts each line, with lines continued by a backslash joined.
 */
final class SourceTexts {
    /** One text: where it starts and what it says. */
    record Text(Path file, int line, String text) {
    }

    /** A line ending like this goes on on the next line ... */
    private static final Pattern CONTINUES_AFTER = Pattern.compile(".*([+,(\\[?:=]|&&|\\|\\||->)");
    /** ... and so does one whose next line starts like this. */
    private static final Pattern CONTINUES_BEFORE = Pattern.compile("([+.?:)\\]]|&&|\\|\\|).*");

    private SourceTexts() {
    }

    static List<Text> of(Path file) {
        String source;
        try {
            source = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = file.getFileName().toString();
        boolean groovy = name.endsWith(".groovy") || name.startsWith("Jenkinsfile");
        return groovy || name.endsWith(".java") ? statements(file, source, groovy) : lines(file, source);
    }

    private static List<Text> lines(Path file, String source) {
        List<Text> texts = new ArrayList<>();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i;
            StringBuilder text = new StringBuilder(lines[i]);
            while (text.toString().endsWith("\\") && i + 1 < lines.length) {
                text.setLength(text.length() - 1);
                text.append(' ').append(lines[++i].trim());
            }
            texts.add(new Text(file, first + 1, text.toString()));
        }
        return texts;
    }

    /** String literals, joined while the code between them continues one statement. */
    private static List<Text> statements(Path file, String s, boolean groovy) {
        List<Text> texts = new ArrayList<>();
        StringBuilder statement = new StringBuilder();
        StringBuilder code = new StringBuilder();
        int line = 1;
        int startLine = 1;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (s.startsWith("//", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                end = end < 0 ? s.length() : end + 2;
                line += count(s, i, end);
                i = end;
            } else if (c == '"' || c == '\'') {
                if (endsStatement(code.toString())) {
                    flush(texts, file, startLine, statement);
                }
                code.setLength(0);
                if (statement.length() == 0) {
                    startLine = line;
                }
                String quote = s.startsWith(String.valueOf(c).repeat(3), i) ? String.valueOf(c).repeat(3) : String.valueOf(c);
                int j = i + quote.length();
                StringBuilder literal = new StringBuilder();
                while (j < s.length() && !s.startsWith(quote, j)) {
                    char d = s.charAt(j);
                    if (d == '\\' && j + 1 < s.length()) {
                        literal.append(s.charAt(j + 1) == 'n' ? '\n' : s.charAt(j + 1));
                        j += 2;
                    } else if (groovy && c == '"' && s.startsWith("${", j)) {
                        j++; // to the brace that opens the expression
                        int depth = 0;
                        do {
                            depth += s.charAt(j) == '{' ? 1 : s.charAt(j) == '}' ? -1 : 0;
                            j++;
                        } while (j < s.length() && depth > 0);
                        literal.append("${…}");
                    } else {
                        literal.append(d);
                        j++;
                    }
                }
                line += count(s, i, Math.min(j, s.length()));
                statement.append(statement.length() == 0 ? "" : " ").append(literal);
                i = Math.min(s.length(), j + quote.length());
            } else {
                if (c == '\n') {
                    line++;
                }
                code.append(c);
                i++;
            }
        }
        flush(texts, file, startLine, statement);
        return texts;
    }

    /**
     * Whether the code between two literals ends the statement of the first: a semicolon or a brace, or a line
     * break that neither the line before nor the line after continues (Groovy's statements end at line breaks).
     */
    private static boolean endsStatement(String code) {
        if (code.contains(";") || code.contains("{") || code.contains("}")) {
            return true;
        }
        List<String> lines = Arrays.stream(code.split("\n", -1)).map(String::strip).toList();
        for (int k = 0; k + 1 < lines.size(); k++) {
            String before = lines.get(k);
            String after = lines.subList(k + 1, lines.size()).stream().filter(l -> !l.isEmpty()).findFirst().orElse("");
            if (!CONTINUES_AFTER.matcher(before).matches() && !CONTINUES_BEFORE.matcher(after).matches()) {
                return true;
            }
        }
        return false;
    }

    private static void flush(List<Text> texts, Path file, int line, StringBuilder statement) {
        if (statement.length() > 0) {
            texts.add(new Text(file, line, statement.toString()));
            statement.setLength(0);
        }
    }

    private static int count(String s, int from, int to) {
        int n = 0;
        for (int k = from; k < to; k++) {
            if (s.charAt(k) == '\n') {
                n++;
            }
        }
        return n;
    }
}
