package io.mlship.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.mlship.kube.manifest.PodImage;
import io.mlship.kube.manifest.CanaryRenderer;
import io.mlship.kube.manifest.ManifestRenderer;
import io.mlship.kube.manifest.ManifestYaml;
import io.mlship.result.MlshipException;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.ReleaseSpec;
import io.mlship.spec.TrafficShare;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "render", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Print the Kubernetes objects a deploy would apply, as YAML.",
        description = "Prints the objects for one environment as multi-document YAML, readable and accepted by "
                + "kubectl apply -f -. Nothing remote is contacted.")
final class RenderCommand extends SpecCommand {
    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment to render.")
    String env;

    @Option(names = "--image-digest", paramLabel = "sha256:…",
            description = "Digest of the built image (from mlship build); releases always deploy by digest.")
    String imageDigest;

    @Option(names = "--image-tag", paramLabel = "TAG", defaultValue = "preview",
            description = "Tag used for a preview when no digest is given. Default: ${DEFAULT-VALUE}.")
    String imageTag;

    @Option(names = "--canary", paramLabel = "PCT",
            description = "Print what one step of deploy.canary applies instead: the candidate's objects and the route giving it PCT% of the host's traffic.")
    Integer canary;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Also write the YAML to this file (default: manifest.yaml beside the result file).")
    Path output;

    @Override
    String name() {
        return "render";
    }

    @Override
    void execute(Map<String, Object> result) throws IOException {
        ImageDigest digest = ImageDigest.parse(imageDigest, "--image-digest");
        EnvironmentView environment = EnvironmentView.of(specOptions.load(context().specLoader()), env);
        ReleaseSpec release = environment.spec();
        result.put("environment", env);
        if (release.deploy() == null) {
            throw MlshipException.badInput(specOptions.spec.getFileName() + " has no deploy section, so there is nothing to render",
                    "add a deploy section, or skip rendering for a model-only repository");
        }
        String repository = environment.imageRepository();
        PodImage image = digest != null ? PodImage.byDigest(repository, digest.value()) : PodImage.preview(repository, imageTag);
        List<HasMetadata> objects = new ManifestRenderer().render(environment, image);
        List<String> header = new ArrayList<>();
        header.add("mlship " + context().version() + " · " + release.service().name() + " · environment " + env);
        if (canary != null) {
            objects = canaryStep(environment, objects, TrafficShare.parse(canary, "--canary"));
            header.add("canary step: the candidate and its route at " + canary + "% (stable's objects are left as they run)");
        }
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

    private static List<HasMetadata> canaryStep(EnvironmentView environment, List<HasMetadata> stable, TrafficShare share) {
        if (environment.spec().deploy().canary() == null) {
            throw MlshipException.badInput("--canary renders a step of deploy.canary, and the spec has none",
                    "add deploy.canary (e.g. steps: [10, 50]), or leave --canary out");
        }
        if (share.percent() < 1 || share.percent() > 99) {
            throw MlshipException.badInput("--canary " + share.percent() + " gives the candidate no share or all of it",
                    "give 1-99, e.g. one of deploy.canary.steps " + environment.spec().deploy().canary().steps());
        }
        CanaryRenderer canaries = new CanaryRenderer();
        List<HasMetadata> step = new ArrayList<>(canaries.candidate(environment, stable));
        step.add(canaries.route(environment, share.percent()));
        return step;
    }
}
