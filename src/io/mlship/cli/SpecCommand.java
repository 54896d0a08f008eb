package io.mlship.cli;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;

/** A command that reads a release spec: it takes --spec/--repo-root, and its results go next to the spec. */
abstract class SpecCommand extends StepCommand {

    @Mixin
    SpecOptions specOptions;

    @Override
    final Path defaultResultDir() {
        return specOptions.defaultResultDir();
    }
}
