package io.mlship.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The build stage: the spec's image section and the checkout turned into one reproducible image (base, Python
 * dependencies, model and app layers), pushed or written to a tar. The image holds only what its content
 * determines (commit, source, spec hash, version tag): the same commit and files give the same digest on any agent
 * in any build. Per-build facts (the build URL) go to the build's result, never into the image.
 */
public final class BuildStage {
    private final ObjectMapper json;
    private final String toolVersion;
    private final Progress progress;
    private final Map<String, String> agentEnv;

    public BuildStage(ObjectMapper json, String toolVersion, Progress progress) {
        this(json, toolVersion, progress, System.getenv());
    }

    /** @param agentEnv the agent's environment: where a variable named by the spec (the package index) is read */
    public BuildStage(ObjectMapper json, String toolVersion, Progress progress, Map<String, String> agentEnv) {
        this.json = json;
        this.toolVersion = toolVersion;
        this.progress = progress;
        this.agentEnv = Map.copyOf(agentEnv);
    }

    public BuildOutcome run(BuildInput in) throws IOException {
        EnvironmentView environment = in.environment();
        ImageSpec image = environment.spec().image();
        if (image == null) {
            throw MlshipException.badInput("the spec has no image section, so there is nothing to build",
                    "add an image section (registry, repository, app)");
        }
        // git runs while the build goes on: the remote's URL (a label) is collected only when the labels are made.
        GitInfo git = GitInfo.start(in.repoRoot(), in.gitSha(), in.gitBranch(), in.sourceRepo());
        List<String> tags = ImageTags.of(git.sha(), git.branch(), in.versionTag());
        if (tags.isEmpty() || (in.pushes() && git.sha() == null)) {
            if (in.pushes()) {
                throw MlshipException.badInput("no git commit is known for the image tag",
                        "build from a git checkout, or pass --git-sha (Jenkins: GIT_COMMIT)");
            }
            tags = List.of("local");
        }
        String repository = environment.imageRepository(in.registry());
        BaseImage base = in.baseImage() != null ? BaseImage.parse(in.baseImage(), Path.of("").toAbsolutePath())
                : BaseImage.parse(image.base(), in.repoRoot());
        List<String> warnings = new ArrayList<>();
        if (!base.pinned()) {
            warnings.add("base image " + base.reference() + " is not pinned by digest: the same spec can give a different image "
                    + "tomorrow; pin it as " + base.reference() + "@sha256:…");
        }
        warnings.forEach(progress::warn);

        // Python's and Jib's lines are the build's details: a part of its own, so they read apart from the stage's.
        Progress details = progress.of("build");
        ImageBuilder builder = new ImageBuilder(details, PushRetry.defaults().withDeadline(in.pushDeadline()));
        // A re-run, or a fresh agent building what the first tag already holds, is found before anything is
        // installed or built; the registry is asked now, while the files are hashed.
        try (ExistingImage lookUp = in.pushes() ? builder.lookUp(repository + ":" + tags.get(0), image.platforms(),
                in.allowInsecureRegistry()) : null) {
            return run(in, image, git, tags, repository, base, warnings, details, builder, lookUp);
        }
    }

    private BuildOutcome run(BuildInput in, ImageSpec image, GitInfo git, List<String> tags, String repository,
                             BaseImage base, List<String> warnings, Progress details, ImageBuilder builder,
                             ExistingImage lookUp) throws IOException {
        EnvironmentView environment = in.environment();
        BasePythonVersion baseVersions = new BasePythonVersion(in.allowInsecureRegistry(), new BuildProgress(details)::onLog);
        Optional<PendingDependencies> deps = new PythonDependencies(in.repoRoot(), in.cacheDir().resolve("python"),
                in.python(), baseVersions, agentEnv, details).prepare(image, base);
        LayerPlanner planner = new LayerPlanner(in.repoRoot());
        // Pushed, the dependencies go into an image of their own (the new image's base); else into its layers.
        boolean ownDependencyImage = in.pushes() && deps.isPresent();
        List<PlannedLayer> layers = planner.plan(image, ownDependencyImage ? Optional.empty()
                : deps.map(PendingDependencies::folder));
        String dependencyTag = ownDependencyImage ? DependencyImage.tag(deps.get().key(), base.reference(),
                image.platforms(), LayerPlanner.pythonTarget(image), toolVersion) : null;
        Map<String, String> envVars = new TreeMap<>(image.env());
        if (deps.isPresent()) {
            String target = image.python() != null && image.python().target() != null ? image.python().target() : "/opt/python-deps";
            String existing = envVars.get("PYTHONPATH");
            envVars.put("PYTHONPATH", existing == null ? target : existing + ":" + target);
        }
        String specHash = specHash(image);
        Map<String, String> labels = new TreeMap<>(image.labels());
        labels.put("org.opencontainers.image.title", environment.service());
        putIfSet(labels, "org.opencontainers.image.source", git.sourceRepo());
        putIfSet(labels, "org.opencontainers.image.revision", git.sha());
        putIfSet(labels, "org.opencontainers.image.version", in.versionTag());
        labels.put("io.mlship.spec-hash", specHash);

        BuildRequest request = BuildRequest.builder()
                .base(base).repository(repository).tags(tags).layers(layers)
                .entrypoint(image.entrypoint()).cmd(image.cmd()).env(envVars).port(image.port())
                .user(image.user()).workdir(image.workdir()).labels(labels).platforms(image.platforms())
                .tarOutput(in.tarOutput()).allowInsecureRegistry(in.allowInsecureRegistry()).cacheDir(in.cacheDir())
                .toolVersion(toolVersion).dependencies(ownDependencyImage ? DependencyBase.named(dependencyTag) : null)
                .build();
        Optional<BuiltImage> existing = Optional.empty();
        if (lookUp != null) {
            String key = builder.key(request);
            existing = builder.existing(request, key, lookUp);
            request = request.withLabel(BuildKey.LABEL, key);
        }
        BuiltImage built = existing.isPresent() ? existing.get() : builder.build(!ownDependencyImage ? request
                : request.withDependencies(dependencyBase(in, repository, dependencyTag, deps.get(), planner, details)));
        progress.step((in.pushes() ? "pushed " : "wrote ") + repository + "@" + built.digest()
                + " (tags " + String.join(", ", tags) + "); layers pushed " + built.layersPushed() + ", reused "
                + built.layersReused() + ", " + built.bytesUploaded() + " bytes uploaded");
        return new BuildOutcome(environment.name(), repository, tags, base.reference(), specHash, warnings, built,
                in.pushes(), labels, blankToNull(in.buildUrl()));
    }

    /**
     * Where a pushed image's dependency layers come from: the dependency image of their content key if the target
     * repository has it (then pip does not run and nothing of them is compressed), else layers made now.
     */
    private DependencyBase dependencyBase(BuildInput in, String repository, String tag, PendingDependencies deps,
                                          LayerPlanner planner, Progress details) {
        ImageSpec image = in.environment().spec().image();
        Optional<DependencyImage.Found> found = new DependencyImage(in.allowInsecureRegistry(),
                new BuildProgress(details)::onLog, details).find(repository, tag, image.platforms());
        if (found.isPresent()) {
            return DependencyBase.found(tag, found.get());
        }
        details.step("python: " + repository + ":" + tag + " not in the registry yet; making the dependency layers");
        if (image.platforms().size() < 2) {
            return DependencyBase.toBuild(tag, planner.dependencyLayers(image, deps.folder()));
        }
        // Several platforms: an image per platform, combined in an index (Jib cannot write an OCI index itself).
        Map<String, List<PlannedLayer>> perPlatform = new LinkedHashMap<>();
        if (deps.isPerPlatform()) {
            deps.folders().forEach((platform, folder) -> perPlatform.put(platform, planner.dependencyLayers(image, folder)));
        } else {
            Path folder = deps.folder();
            new InstalledWheels(folder).requireOneFolderServes(image.platforms());
            List<PlannedLayer> layers = planner.dependencyLayers(image, folder);
            image.platforms().forEach(platform -> perPlatform.put(platform, layers));
        }
        return DependencyBase.toBuildPerPlatform(tag, perPlatform);
    }

    /**
     * The image section as resolved, hashed: records serialize in a fixed order, maps sorted by key, and fields
     * left unset are left out, so a new optional spec field does not change the digest of images that do not use it.
     */
    private String specHash(ImageSpec image) throws IOException {
        ObjectMapper mapper = json.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(mapper.writeValueAsString(image).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void putIfSet(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }
}
