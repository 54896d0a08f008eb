package io.mlship.spec;

import java.nio.file.Path;

/** Reads a release spec file into every problem found and, when valid, the spec per environment. */
@FunctionalInterface
public interface SpecReader {

    /** Loads {@code specFile}; relative paths in it resolve against {@code repoRoot} (its folder when null). */
    LoadedSpec load(Path specFile, Path repoRoot);
}
