package io.mlship.cli;

import io.mlship.spec.LoadedSpec;
import io.mlship.spec.SpecReader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that reads a release spec shares. */
final class SpecOptions {

    @Option(names = "--spec", paramLabel = "FILE", defaultValue = "mlship.yaml",
            description = "The release spec (YAML, or JSON as the pipeline DSL writes it). Default: ${DEFAULT-VALUE}.")
    Path spec;

    @Option(names = "--repo-root", paramLabel = "DIR",
            description = "Folder that relative paths in the spec resolve against and may not leave (default: the spec's folder).")
    Path repoRoot;

    LoadedSpec load(SpecReader loader) {
        return loader.load(spec, repoRoot);
    }

    /** The folder the spec's relative paths resolve against. */
    Path root() {
        return repoRoot != null ? repoRoot : spec.toAbsolutePath().normalize().getParent();
    }

    /** Results go to .mlship/out next to the spec unless --result-dir says otherwise. */
    Path defaultResultDir() {
        return StepCommand.besideSpec(spec);
    }
}
