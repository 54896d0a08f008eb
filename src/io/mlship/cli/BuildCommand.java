package io.mlship.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mlship.image.BaseImage;
import io.mlship.image.BuildOutcome;
import io.mlship.image.BuildRequest;
import io.mlship.image.PushRetry;
import io.mlship.image.GitInfo;
import io.mlship.image.ImageBuilder;
import io.mlship.image.ImageTags;
import io.mlship.image.LayerPlanner;
import io.mlship.image.LayerResult;
import io.mlship.image.PlannedLayer;
import io.mlship.image.PythonDependencies;
import io.mlship.result.MlshipException;
import io.mlship.spec.ImageSpec;
import io.mlship.spec.LoadedSpec;
import io.mlship.spec.Placeholders;
import io.mlship.spec.ReleaseSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "build", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        description = {"Build the service's container image with Jib (no Docker daemon): base, Python dependencies,",
                "model and app code as separate layers, reproducible, pushed to the registry (only layers it lacks)",
                "or written to a tar with --tar. The result gives the digest that deploys use."})
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

    @Option(names = "--build-url", paramLabel = "URL", description = "Build URL label (default: the BUILD_URL environment variable).")
    String buildUrl;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Jib's layer cache and pip's output (default: .mlship/cache next to the spec).")
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
    void execute(Map<String, Object> result) throws IOException {
        Duration pushDeadline = durationOption("--push-timeout", pushTimeout);
        LoadedSpec loaded = specOptions.load(context().specLoader()).requireValid();
        String envName = env != null ? env : loaded.environments().keySet().stream().findFirst()
                .orElseThrow(() -> MlshipException.badInput("the spec has no environments", "add one under environments"));
        ReleaseSpec release = loaded.forEnvironment(envName);
        ImageSpec image = release.image();
        if (image == null) {
            throw MlshipException.badInput(specOptions.spec.getFileName() + " has no image section, so there is nothing to build",
                    "add an image section (registry, repository, app)");
        }
        Path repoRoot = loaded.document().repoRoot().toAbsolutePath().normalize();
        Path specDir = specOptions.spec.toAbsolutePath().normalize().getParent();
        boolean pushes = tar == null && push;
        Path tarOut = pushes ? null : (tar != null ? tar.toAbsolutePath().normalize() : resultDirectory().toAbsolutePath().resolve("image.tar"));
        Path cache = (cacheDir != null ? cacheDir : specDir.resolve(".mlship").resolve("cache")).toAbsolutePath().normalize();

        GitInfo git = GitInfo.resolve(repoRoot, gitSha, gitBranch, sourceRepo);
        List<String> tags = ImageTags.of(git.sha(), git.branch(), versionTag);
        if (tags.isEmpty() || (pushes && git.sha() == null)) {
            if (pushes) {
                throw MlshipException.badInput("no git commit is known for the image tag",
                        "build from a git checkout, or pass --git-sha (Jenkins: GIT_COMMIT)");
            }
            tags = List.of("local");
        }

        String repository = repository(image, release, envName);
        BaseImage base = baseImage != null ? BaseImage.parse(baseImage, Path.of("").toAbsolutePath())
                : BaseImage.parse(image.base(), repoRoot);
        List<String> warnings = new ArrayList<>();
        if (!base.pinned()) {
            warnings.add("base image " + base.reference() + " is not pinned by digest: the same spec can give a different image "
                    + "tomorrow; pin it as " + base.reference() + "@sha256:…");
        }
        warnings.forEach(w -> context().err().println("[mlship build] warning: " + w));

        Optional<Path> deps = new PythonDependencies(repoRoot, cache.resolve("python"), python, context().err()).resolve(image);
        List<PlannedLayer> layers = new LayerPlanner(repoRoot).plan(image, deps);

        Map<String, String> envVars = new TreeMap<>(image.env());
        if (deps.isPresent()) {
            String target = image.python() != null && image.python().target() != null ? image.python().target() : "/opt/python-deps";
            String existing = envVars.get("PYTHONPATH");
            envVars.put("PYTHONPATH", existing == null ? target : existing + ":" + target);
        }
        String specHash = specHash(image);
        Map<String, String> labels = new TreeMap<>(image.labels());
        labels.put("org.opencontainers.image.title", release.service().name());
        putIfSet(labels, "org.opencontainers.image.source", git.sourceRepo());
        putIfSet(labels, "org.opencontainers.image.revision", git.sha());
        putIfSet(labels, "org.opencontainers.image.version", versionTag);
        putIfSet(labels, "io.mlship.build-url", buildUrl != null ? buildUrl : System.getenv("BUILD_URL"));
        labels.put("io.mlship.spec-hash", specHash);

        BuildRequest request = BuildRequest.builder()
                .base(base).repository(repository).tags(tags).layers(layers)
                .entrypoint(image.entrypoint()).cmd(image.cmd()).env(envVars).port(image.port())
                .user(image.user()).workdir(image.workdir()).labels(labels).platforms(image.platforms())
                .tarOutput(tarOut).allowInsecureRegistry(allowInsecureRegistry).cacheDir(cache)
                .toolVersion(context().version())
                .build();
        result.put("environment", envName);
        result.put("image", repository);
        result.put("tags", tags);
        result.put("pushed", false);
        result.put("baseImage", base.reference());
        result.put("specHash", specHash);
        result.put("warnings", warnings);

        BuildOutcome outcome = new ImageBuilder(context().err(), PushRetry.defaults().withDeadline(pushDeadline)).build(request);

        result.put("digest", outcome.digest());
        result.put("imageRef", repository + "@" + outcome.digest());
        result.put("pushed", pushes);
        if (outcome.tarFile() != null) {
            result.put("tarFile", outcome.tarFile());
        }
        List<Map<String, Object>> layerList = new ArrayList<>();
        for (LayerResult l : outcome.layers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("digest", l.digest());
            m.put("size", l.size());
            m.put("pushed", l.pushed());
            layerList.add(m);
        }
        result.put("layers", layerList);
        result.put("layersPushed", outcome.layersPushed());
        result.put("layersReused", outcome.layersReused());
        result.put("bytesUploaded", outcome.bytesUploaded());
        result.put("labels", labels);
        context().err().println("[mlship build] " + (pushes ? "pushed " : "wrote ") + repository + "@" + outcome.digest()
                + " (tags " + String.join(", ", tags) + "); layers pushed " + outcome.layersPushed() + ", reused "
                + outcome.layersReused() + ", " + outcome.bytesUploaded() + " bytes uploaded");
    }

    private String repository(ImageSpec image, ReleaseSpec release, String envName) {
        Map<String, String> values = Placeholders.environmentValues(envName, release.environments().get(envName), release.service());
        String repo;
        try {
            repo = Placeholders.fill(image.repository(), values, "image.repository");
        } catch (IllegalArgumentException e) {
            throw MlshipException.badInput(e.getMessage(), "set the value in environment '" + envName + "' or pass --env");
        }
        return (registry != null ? registry : image.registry()) + "/" + repo;
    }

    /** The image section as resolved, hashed: records serialize in a fixed order, maps sorted by key. */
    private String specHash(ImageSpec image) throws IOException {
        ObjectMapper mapper = context().json().copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(mapper.writeValueAsString(image).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
