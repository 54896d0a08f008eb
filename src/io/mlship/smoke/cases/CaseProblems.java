package io.mlship.smoke.cases;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.result.Problem;
import io.mlship.spec.Suggestions;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Records the problems of one case, each at the file's line of the value it is about. The list is the whole
 * file's, so that every problem of every case is reported at once.
 */
final class CaseProblems {
    private final CaseTree at;
    private final List<Problem> sink;

    CaseProblems(CaseTree at, List<Problem> sink) {
        this.at = at;
        this.sink = sink;
    }

    /** How many problems the file has so far: a part of a case is used only if checking it added none. */
    int count() {
        return sink.size();
    }

    /** {@code where} names the value for a person ({@code case 'search'.request.path}), {@code pointer} locates it. */
    void error(String where, String pointer, String message, String hint) {
        sink.add(Problem.error(where, at.file(), at.line(pointer), message, hint));
    }

    /** Reports each key of {@code node} that is not {@code allowed}, suggesting the closest allowed one. */
    void unknownKeys(JsonNode node, Set<String> allowed, String where, String pointer) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                error(where + "." + k, pointer + "/" + k, "unknown key", new Suggestions().hint(k, new TreeSet<>(allowed)));
            }
        }
    }
}
