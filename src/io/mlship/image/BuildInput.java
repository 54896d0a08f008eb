package io.mlship.image;

import io.mlship.spec.EnvironmentView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One image build, as the options and the spec decide it. {@code tarOutput} null means push to the registry.
 * Git facts left null are read from the checkout. {@code buildUrl} is recorded in the outcome, not in the image.
 */
public record BuildInput(EnvironmentView environment, Path repoRoot, Path cacheDir, Path tarOutput, String baseImage,
                         String registry, boolean allowInsecureRegistry, String gitSha, String gitBranch,
                         String sourceRepo, String versionTag, String buildUrl, String python, Duration pushDeadline) {

    public BuildInput {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(repoRoot, "repoRoot");
        Objects.requireNonNull(cacheDir, "cacheDir");
        python = python == null ? "python3" : python;
        pushDeadline = pushDeadline == null ? Duration.ofMinutes(10) : pushDeadline;
    }

    /** A build that pushes, with the spec's base and registry and the facts of the checkout. */
    public static BuildInput of(EnvironmentView environment, Path repoRoot, Path cacheDir) {
        return new BuildInput(environment, repoRoot, cacheDir, null, null, null, false, null, null, null, null, null,
                null, null);
    }

    public boolean pushes() {
        return tarOutput == null;
    }

    public BuildInput withTarOutput(Path tar) {
        return new BuildInput(environment, repoRoot, cacheDir, tar, baseImage, registry, allowInsecureRegistry, gitSha,
                gitBranch, sourceRepo, versionTag, buildUrl, python, pushDeadline);
    }

    public BuildInput withBase(String base) {
        return new BuildInput(environment, repoRoot, cacheDir, tarOutput, base, registry, allowInsecureRegistry, gitSha,
                gitBranch, sourceRepo, versionTag, buildUrl, python, pushDeadline);
    }

    public BuildInput withRegistry(String host, boolean insecure) {
        return new BuildInput(environment, repoRoot, cacheDir, tarOutput, baseImage, host, insecure, gitSha, gitBranch,
                sourceRepo, versionTag, buildUrl, python, pushDeadline);
    }

    public BuildInput withGit(String sha, String branch, String source) {
        return new BuildInput(environment, repoRoot, cacheDir, tarOutput, baseImage, registry, allowInsecureRegistry, sha,
                branch, source, versionTag, buildUrl, python, pushDeadline);
    }

    public BuildInput withProvenance(String version, String url) {
        return new BuildInput(environment, repoRoot, cacheDir, tarOutput, baseImage, registry, allowInsecureRegistry, gitSha,
                gitBranch, sourceRepo, version, url, python, pushDeadline);
    }

    public BuildInput withTools(String interpreter, Duration deadline) {
        return new BuildInput(environment, repoRoot, cacheDir, tarOutput, baseImage, registry, allowInsecureRegistry, gitSha,
                gitBranch, sourceRepo, versionTag, buildUrl, interpreter, deadline);
    }
}
