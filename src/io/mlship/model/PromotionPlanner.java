package io.mlship.model;

import com.google.cloud.aiplatform.v1.EnvVar;
import com.google.cloud.aiplatform.v1.ModelContainerSpec;
import com.google.cloud.aiplatform.v1.Port;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import io.mlship.spec.CommitSha;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.ModelSpec;
import io.mlship.spec.Placeholders;
import io.mlship.spec.ReleaseSpec;
import io.mlship.spec.TrafficShare;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the spec, the environment and the build's parameters into a {@link PromotionPlan}, reporting every bad
 * value at once — before anything remote is touched.
 */
public final class PromotionPlanner {
    private final EnvironmentView environment;
    private final ReleaseSpec release;
    private final String env;
    private String artifacts;
    private String version;
    private TrafficShare canary;
    private ImageDigest imageDigest;
    private boolean needsArtifacts = true;
    private boolean needsImage = true;
    private CommitSha gitSha;
    private String buildUrl;

    public PromotionPlanner(EnvironmentView environment) {
        this.environment = environment;
        this.release = environment.spec();
        this.env = environment.name();
    }

    public PromotionPlanner artifacts(String uri) {
        this.artifacts = uri;
        return this;
    }

    public PromotionPlanner version(String v) {
        this.version = v;
        return this;
    }

    public PromotionPlanner canary(TrafficShare pct) {
        this.canary = pct;
        return this;
    }

    public PromotionPlanner imageDigest(ImageDigest digest) {
        this.imageDigest = digest;
        return this;
    }

    /** Shift and rollback work from the recorded promotion and need no artifact location. */
    public PromotionPlanner needsArtifacts(boolean needed) {
        this.needsArtifacts = needed;
        return this;
    }

    /**
     * Only a promotion uploads a version, so only it needs the serving image: checking artifacts (a pull request)
     * deploys nothing, and shift and rollback move versions uploaded before.
     */
    public PromotionPlanner needsImage(boolean needed) {
        this.needsImage = needed;
        return this;
    }

    public PromotionPlanner gitSha(CommitSha sha) {
        this.gitSha = sha;
        return this;
    }

    public PromotionPlanner buildUrl(String url) {
        this.buildUrl = url;
        return this;
    }

    public PromotionPlan plan() {
        ModelSpec model = release.model();
        if (model == null) {
            throw MlshipException.badInput("the spec has no model section, so there is nothing to promote",
                    "add a model section (id, artifacts, serving)");
        }
        List<Problem> problems = new ArrayList<>();
        String project = environment.projects().vertex();
        if (project == null) {
            problems.add(problem("environments." + env + ".projects.vertex", "is not set",
                    "name the GCP project that holds the Vertex AI model registry"));
        }
        GcsUri uri = needsArtifacts || (artifacts != null && !artifacts.isBlank())
                ? artifactsUri(model, problems) : null;
        TrafficShare share = canary != null ? canary : new TrafficShare(model.canaryPercent()); // the schema keeps it in 0-100
        String image = image(model, problems);
        if (!problems.isEmpty()) {
            throw MlshipException.badInput(problems.size() == 1 ? problems.get(0).path() + ": " + problems.get(0).message()
                    : problems.size() + " problems with the promotion's input", "fix them and run again; nothing was changed", problems);
        }
        GcsUri copyTo = null;
        EnvironmentSpec.CopyArtifacts copy = environment.settings().copyArtifacts();
        if (copy != null) {
            String prefix = copy.prefix() == null ? "" : copy.prefix();
            copyTo = GcsUri.parse("gs://" + copy.bucket() + "/" + prefix).child(model.id());
        }
        String endpoint = environment.endpointName();
        ModelSpec.Aliases aliases = model.aliases();
        return new PromotionPlan(project, environment.region(), model.id(),
                model.displayName() != null ? model.displayName() : model.id(), model.description(), uri, copyTo,
                container(model, image), model.machineType(), model.minReplicas(), Math.max(model.minReplicas(), model.maxReplicas()),
                endpoint, share, aliases == null || aliases.candidate() == null ? "candidate" : aliases.candidate(),
                aliases == null || aliases.prod() == null ? "prod" : aliases.prod(), labels(model), blankToNull(buildUrl));
    }

    private GcsUri artifactsUri(ModelSpec model, List<Problem> problems) {
        String text = artifacts;
        String field = "--artifacts";
        if (text == null || text.isBlank()) {
            field = "model.artifacts";
            Map<String, String> values = environment.placeholderValues();
            if (version != null && !version.isBlank()) {
                values.put("version", version);
            }
            try {
                text = Placeholders.fill(model.artifacts(), values, "model.artifacts");
            } catch (IllegalArgumentException e) {
                problems.add(problem("model.artifacts", e.getMessage().replaceFirst("^model\\.artifacts: ", ""), "pass --model-version (or --artifacts gs://bucket/folder/)"));
                return null;
            }
        }
        try {
            GcsUri uri = GcsUri.parse(text);
            if (uri.prefix().isEmpty()) {
                problems.add(problem(field, "'" + text + "' is a whole bucket", "point at the model's folder in the bucket"));
            }
            return uri;
        } catch (IllegalArgumentException e) {
            problems.add(problem(field, e.getMessage(), "write it as gs://bucket/folder/"));
            return null;
        }
    }

    private String image(ModelSpec model, List<Problem> problems) {
        if (!model.serving().usesServiceImage()) {
            return model.serving().image();
        }
        if (release.image() == null) {
            problems.add(problem("model.serving.image", "is 'service' but the spec has no image section",
                    "name a serving image, or add the image section"));
            return null;
        }
        String repository;
        try {
            repository = environment.imageRepository();
        } catch (MlshipException e) {
            problems.add(problem("image.repository", e.getMessage(), "set the environment's projects"));
            return null;
        }
        if (imageDigest != null) {
            return repository + "@" + imageDigest;
        }
        if (!needsImage) {
            return repository; // never uploaded: nothing is served from it
        }
        problems.add(problem("--image-digest", "is required: model.serving.image is 'service'",
                "pass the digest mlship build reported, so Vertex AI serves exactly that image"));
        return null;
    }

    private ModelContainerSpec container(ModelSpec model, String image) {
        ModelSpec.Serving s = model.serving();
        boolean service = s.usesServiceImage() && release.image() != null;
        List<String> command = !s.command().isEmpty() ? s.command() : service ? release.image().entrypoint() : List.of();
        List<String> args = !s.args().isEmpty() ? s.args() : service && s.command().isEmpty() ? release.image().cmd() : List.of();
        Map<String, String> env = new TreeMap<>();
        if (service) {
            env.putAll(release.image().env());
        }
        env.putAll(s.env());
        ModelContainerSpec.Builder b = ModelContainerSpec.newBuilder().setImageUri(image)
                .addAllCommand(command).addAllArgs(args)
                .addPorts(Port.newBuilder().setContainerPort(s.port()))
                .setPredictRoute(s.predictRoute()).setHealthRoute(s.healthRoute());
        env.forEach((k, v) -> b.addEnv(EnvVar.newBuilder().setName(k).setValue(v)));
        return b.build();
    }

    private Map<String, String> labels(ModelSpec model) {
        Map<String, String> labels = new TreeMap<>(model.labels());
        labels.put("mlship-service", labelValue(release.service().name()));
        if (gitSha != null) {
            labels.put("mlship-git-sha", gitSha.value());
        }
        if (imageDigest != null) {
            labels.put("mlship-image", ArtifactDigest.labelValue(imageDigest.value()));
        }
        if (buildUrl != null && !buildUrl.isBlank()) {
            labels.put("mlship-build", labelValue(buildUrl.replaceFirst("^[a-z]+://", "")));
        }
        return labels;
    }

    /** Label values allow lower-case letters, digits, '_' and '-', at most 63 characters: keep the end (build number). */
    static String labelValue(String text) {
        String v = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]+", "-").replaceAll("^-+|-+$", "");
        return v.length() > 63 ? v.substring(v.length() - 63).replaceAll("^-+", "") : v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Problem problem(String path, String message, String hint) {
        return Problem.error(path, null, 0, message, hint);
    }
}
