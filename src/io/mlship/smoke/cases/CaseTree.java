package io.mlship.smoke.cases;

import io.mlship.yaml.LocatedTree;
import io.mlship.yaml.Position;

/**
 * One case as read from its file, before it is checked.
 *
 * @param label      how to name the case until its name is known: {@code cases[2]} or {@code line 3}
 * @param lineOffset what to add to a line of {@code tree} to get the file's line (a JSON line is read on its own)
 */
record CaseTree(String file, String label, LocatedTree tree, int lineOffset) {

    /** The file's line of the value at {@code pointer}, or of its nearest ancestor that is in the file. */
    int line(String pointer) {
        Position at = tree.nearest(pointer);
        return at == null ? lineOffset + 1 : at.line() + lineOffset;
    }
}
