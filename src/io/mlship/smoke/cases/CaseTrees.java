package io.mlship.smoke.cases;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.mlship.result.Problem;
import io.mlship.yaml.DuplicateKeyException;
import io.mlship.yaml.LocatedTreeReader;
import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Splits a cases file into one located tree per case: the items of a YAML list, or the lines of JSON Lines.
 * Each case is handed on as soon as it is read, so the problems of the cases before a syntax error are
 * reported along with it. Syntax problems are added to the file's problems.
 */
final class CaseTrees {
    // Jackson's and SnakeYAML's own limits: the file's size is checked before reading, and a request body
    // may be nested deeper than anything a spec has.
    private static final LocatedTreeReader.Limits LIMITS = LocatedTreeReader.Limits.libraryDefaults();

    // Plain numbers: expected values are compared with values of answers that Jackson parsed the same way.
    private final LocatedTreeReader yaml = LocatedTreeReader.yaml(LIMITS, LocatedTreeReader.Numbers.PLAIN);
    private final LocatedTreeReader json = LocatedTreeReader.json(LIMITS, LocatedTreeReader.Numbers.PLAIN);

    /** A YAML file holds a list of cases. */
    void readYaml(String file, String text, List<Problem> problems, Consumer<CaseTree> each) {
        try (JsonParser p = yaml.open(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return;
            }
            if (first != JsonToken.START_ARRAY) {
                problems.add(Problem.error(null, file, p.currentTokenLocation().getLineNr(),
                        "the file must be a list of cases", "start each case with '- name: …'"));
                return;
            }
            int index = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                each.accept(new CaseTree(file, "cases[" + index++ + "]", yaml.read(p), 0));
            }
            if (p.nextToken() != null) {
                problems.add(Problem.error(null, file, p.currentTokenLocation().getLineNr(),
                        "more than one YAML document", "keep all cases in one list"));
            }
        } catch (DuplicateKeyException e) {
            problems.add(Problem.error(e.key(), file, e.line(), "duplicate key '" + e.key() + "'", "keep one of them"));
        } catch (JsonProcessingException e) {
            problems.add(syntax(file, e, 0, "YAML"));
        } catch (IOException e) {
            problems.add(Problem.error(null, file, 0, "cannot read: " + e.getMessage(), null));
        }
    }

    /** A JSON Lines file holds one case per line; empty lines and lines starting with {@code //} are skipped. */
    void readJsonLines(String file, String text, List<Problem> problems, Consumer<CaseTree> each) {
        String[] rows = text.split("\r?\n", -1);
        for (int i = 0; i < rows.length; i++) {
            String row = rows[i].trim();
            if (row.isEmpty() || row.startsWith("//")) {
                continue;
            }
            try (JsonParser p = json.open(row)) {
                p.nextToken();
                CaseTree tree = new CaseTree(file, "line " + (i + 1), json.read(p), i);
                if (p.nextToken() != null) {
                    problems.add(Problem.error(null, file, i + 1, "more than one JSON value on the line",
                            "JSON Lines hold one case per line"));
                    continue;
                }
                each.accept(tree);
            } catch (DuplicateKeyException e) {
                problems.add(Problem.error(e.key(), file, i + 1, "duplicate key '" + e.key() + "'", "keep one of them"));
            } catch (JsonProcessingException e) {
                problems.add(syntax(file, e, i, "JSON"));
            } catch (IOException e) {
                problems.add(Problem.error(null, file, i + 1, "cannot read: " + e.getMessage(), null));
            }
        }
    }

    /** {@code offset} is the number of lines before the text that was parsed (the row of a JSON line). */
    private static Problem syntax(String file, JsonProcessingException e, int offset, String format) {
        JsonLocation at = e.getLocation();
        if ((at == null || at.getLineNr() < 1) && e.getProcessor() instanceof JsonParser p) {
            at = p.currentLocation();
        }
        // Limit errors (nesting depth) may come without a location: name the line (JSON Lines) or the file's start.
        int line = at == null || at.getLineNr() < 1 ? offset + 1 : at.getLineNr() + offset;
        String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().replaceAll("\\s+", " ").trim();
        return Problem.error(null, file, line, "not valid " + format + ": " + why, "fix the syntax at this line");
    }
}
