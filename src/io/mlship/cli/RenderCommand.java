package io.mlship.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.mlship.kube.manifest.ImageTarget;
import io.mlship.kube.manifest.ManifestRenderer;
import io.mlship.kube.manifest.ManifestYaml;
import io.mlship.result.MlshipException;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.Placeholders;
import io.mlship.spec.ReleaseSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "render", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        description = {"Print the Kubernetes objects a deploy would apply to one environment, as multi-document YAML",
                "(readable, and accepted by kubectl apply -f -). Nothing remote is contacted."})
final class RenderCommand extends SpecCommand {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment to render.")
    String env;

    @Option(names = "--image-digest", paramLabel = "sha256:…",
            description = "Digest of the built image (from mlship build); releases always deploy by digest.")
    String imageDigest;

    @Option(names = "--image-tag", paramLabel = "TAG", defaultValue = "preview",
            description = "Tag used for a preview when no digest is given. Default: ${DEFAULT-VALUE}.")
    String imageTag;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Also write the YAML to this file (default: manifest.yaml beside the result file).")
    Path output;

    @Override
    String name() {
        return "render";
    }

    @Override
    void execute(Map<String, Object> result) throws IOException {
        if (imageDigest != null && !DIGEST.matcher(imageDigest).matches()) {
            throw MlshipException.badInput("--image-digest '" + imageDigest + "' is not a sha256 digest",
                    "pass the digest mlship build reported: sha256: followed by 64 lower-case hex characters");
        }
        ReleaseSpec release = specOptions.load(context().specLoader()).forEnvironment(env);
        result.put("environment", env);
        if (release.deploy() == null) {
            throw MlshipException.badInput(specOptions.spec.getFileName() + " has no deploy section, so there is nothing to render",
                    "add a deploy section, or skip rendering for a model-only repository");
        }
        EnvironmentSpec environment = release.environments().get(env);
        ImageTarget image = imageTarget(release, environment);
        List<HasMetadata> objects = new ManifestRenderer().render(release, env, image);
        List<String> header = new ArrayList<>();
        header.add("mlship " + context().version() + " · " + release.service().name() + " · environment " + env);
        if (!image.pinned()) {
            header.add("preview: image by tag; mlship deploy always uses the digest that mlship build reports");
        }
        String yaml = new ManifestYaml().write(objects, header);
        context().out().print(yaml);
        context().out().flush();
        Path manifest = output != null ? output : resultDirectory().resolve("manifest.yaml");
        Files.createDirectories(manifest.toAbsolutePath().getParent());
        Files.writeString(manifest, yaml, StandardCharsets.UTF_8);
        result.put("manifestFile", manifest.toString());
        result.put("namespace", environment.namespace());
        result.put("image", image.reference());
        List<Map<String, String>> listed = new ArrayList<>();
        for (HasMetadata o : objects) {
            Map<String, String> entry = new LinkedHashMap<>();
            entry.put("kind", o.getKind());
            entry.put("name", o.getMetadata().getName());
            entry.put("namespace", o.getMetadata().getNamespace());
            listed.add(entry);
        }
        result.put("objects", listed);
    }

    private ImageTarget imageTarget(ReleaseSpec release, EnvironmentSpec environment) {
        if (release.image() == null) {
            throw MlshipException.badInput("the spec has no image section, so the deployed image is unknown",
                    "add an image section (registry, repository)");
        }
        Map<String, String> values = Placeholders.environmentValues(env, environment, release.service());
        String repository = release.image().registry() + "/"
                + Placeholders.fill(release.image().repository(), values, "image.repository");
        return imageDigest != null ? ImageTarget.byDigest(repository, imageDigest) : ImageTarget.preview(repository, imageTag);
    }
}
