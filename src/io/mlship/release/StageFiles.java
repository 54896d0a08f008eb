package io.mlship.release;

import io.mlship.result.ErrorDetails;
import io.mlship.result.ExitCode;
import io.mlship.result.MlshipException;
import io.mlship.result.ResultFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Each stage of a release keeps the result file the same command run alone would write, under a folder of its
 * own ({@code <work>/<stage>/<command>.json}): people, the Jenkins steps and a resumed run read them.
 */
public final class StageFiles {
    private final ResultFile results;
    private final String version;
    private final Path workDir;

    public StageFiles(ResultFile results, String version, Path workDir) {
        this.results = results;
        this.version = version;
        this.workDir = workDir;
    }

    public Path dir(String stage) {
        return workDir.resolve(stage);
    }

    /** Writes the stage's result; {@code failure} null means it succeeded. */
    public Path write(String stage, String command, Instant started, Map<String, Object> fields, MlshipException failure) {
        ExitCode exit = failure == null ? ExitCode.OK : failure.category().exitCode();
        return results.write(dir(stage), command, version, started, Duration.between(started, Instant.now()).toMillis(),
                exit, fields, failure == null ? null : ErrorDetails.of(failure));
    }
}
