package io.mlship.spec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;

/**
 * A parsed spec file: the raw tree exactly as written (no defaults yet) and where each value came from.
 *
 * @param file     the spec file, or a name such as {@code <params>} when the spec came from the Groovy DSL
 * @param repoRoot the folder relative paths in the spec are resolved against (and may not leave)
 */
public record SpecDocument(Path file, Path repoRoot, ObjectNode root, SourceMap origins) {

    public String displayName() {
        return file.getFileName().toString();
    }
}
