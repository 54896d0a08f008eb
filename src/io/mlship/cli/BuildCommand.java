package io.mlship.cli;

import io.mlship.image.BuildInput;
import io.mlship.image.BuildOutcome;
import io.mlship.image.BuildStage;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.LoadedSpec;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "build", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Build the service's image with Jib and push it or write a tar.",
        description = "Builds without a Docker daemon: the base, the Python dependencies, the model and the app code "
                + "are separate layers, and the same commit always gives the same image. The image is pushed to the "
                + "registry (only the layers it lacks) or written to a tar with --tar. The result gives the digest "
                + "that deploys use.")
final class BuildCommand extends SpecCommand {

    @Option(names = "--env", paramLabel = "ENV",
            description = "Environment whose values fill the image settings (e.g. {registryProject}). Default: the first one in the spec.")
    String env;

    @Option(names = "--tar", paramLabel = "OUT.tar", description = "Write the image to this tar file instead of pushing it.")
    Path tar;

    @Option(names = "--push", arity = "0..1", defaultValue = "true", fallbackValue = "true",
            description = "Push to the registry (default). --push=false without --tar writes image.tar beside the result.")
    boolean push;

    @Option(names = "--base-image", paramLabel = "REF|TAR|scratch",
            description = "Use this base instead of image.base: an image reference, a docker-archive tar, or scratch.")
    String baseImage;

    @Option(names = "--registry", paramLabel = "HOST[:PORT]", description = "Push to this registry instead of image.registry.")
    String registry;

    @Option(names = "--allow-insecure-registry", arity = "0..1", fallbackValue = "true",
            description = "Allow a plain-HTTP or self-signed registry (local test registries only).")
    boolean allowInsecureRegistry;

    @Option(names = "--git-sha", paramLabel = "SHA", description = "Commit the image is built from (default: git rev-parse HEAD).")
    String gitSha;

    @Option(names = "--git-branch", paramLabel = "BRANCH",
            description = "Branch the image is built from; becomes a branch-<name> tag (default: from git).")
    String gitBranch;

    @Option(names = "--version-tag", paramLabel = "SEMVER", description = "Also tag the image with this semantic version.")
    String versionTag;

    @Option(names = "--source-repo", paramLabel = "URL", description = "Source repository label (default: git remote origin).")
    String sourceRepo;

    @Option(names = "--build-url", paramLabel = "URL",
            description = "The build doing this (default: the BUILD_URL environment variable). Kept in the result only: "
                    + "it does not change the image, so every build of one commit gives one digest.")
    String buildUrl;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Jib's layer cache and pip's output, kept out of the workspace so builds of any checkout "
                    + "share it (default: $MLSHIP_CACHE_DIR, else $XDG_CACHE_HOME/mlship, else ~/.cache/mlship; on "
                    + "Kubernetes agents, mount a cache volume there).")
    Path cacheDir;

    @Option(names = "--python", paramLabel = "PYTHON", defaultValue = "python3",
            description = "Interpreter whose pip installs image.python.requirements. Default: ${DEFAULT-VALUE}.")
    String python;

    @Option(names = "--push-timeout", paramLabel = "DURATION", defaultValue = "10m",
            description = "How long the push may take in all, retries included; a registry that stops answering fails "
                    + "the build (exit 3) after it. Default: ${DEFAULT-VALUE}.")
    String pushTimeout;

    @Override
    String name() {
        return "build";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        BuildInput input = input();
        result.put("environment", input.environment().name());
        BuildOutcome outcome = new BuildStage(context().json(), context().version(), progress(), context().env()).run(input);
        result.putAll(outcome.resultFields());
    }

    /**
     * The agent's cache, outside the checkout: a fresh workspace must not mean an empty cache. Only with no home
     * folder at all does it fall back to the spec's folder.
     */
    static Path defaultCacheDir(Map<String, String> env, Path specDir) {
        String explicit = env.get("MLSHIP_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "mlship");
        }
        String home = env.get("HOME");
        return home != null && !home.isBlank() ? Path.of(home, ".cache", "mlship") : specDir.resolve(".mlship").resolve("cache");
    }

    private BuildInput input() {
        var pushDeadline = durationOption("--push-timeout", pushTimeout);
        LoadedSpec loaded = specOptions.load(context().specLoader()).requireValid();
        String envName = env != null ? env : loaded.environments().keySet().stream().findFirst()
                .orElseThrow(() -> io.mlship.result.MlshipException.badInput("the spec has no environments", "add one under environments"));
        Path specDir = specOptions.spec.toAbsolutePath().normalize().getParent();
        Path tarOut = tar == null && push ? null
                : (tar != null ? tar : resultDirectory().resolve("image.tar")).toAbsolutePath().normalize();
        Path cache = (cacheDir != null ? cacheDir : defaultCacheDir(context().env(), specDir)).toAbsolutePath().normalize();
        return BuildInput.of(EnvironmentView.of(loaded, envName), loaded.document().repoRoot().toAbsolutePath().normalize(), cache)
                .withTarOutput(tarOut).withBase(baseImage).withRegistry(registry, allowInsecureRegistry)
                .withGit(gitSha, gitBranch, sourceRepo)
                .withProvenance(versionTag, buildUrl != null ? buildUrl : System.getenv("BUILD_URL"))
                .withTools(python, pushDeadline);
    }
}
