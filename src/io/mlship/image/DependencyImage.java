package io.mlship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestListTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import io.mlship.progress.Progress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Python dependency layers kept in the target repository as an image of their own, tagged by their content
 * key ({@code deps-<hash>}): the base plus the dependency layers. A build whose dependencies did not change finds
 * it with a few requests (manifest, config) and builds on it, so on a fresh agent with empty caches nothing of
 * the dependencies is installed, compressed or uploaded: Jib sees them as base layers the target already holds.
 * The image's label lists which of its layers are dependency layers, so the result file can name them.
 */
public final class DependencyImage {
    static final String LAYERS_LABEL = "io.mlship.python-layers";
    /** Bumped when the layer layout changes, so old dependency images are not mistaken for new ones. */
    private static final String LAYOUT = "layout 2";

    private final boolean allowInsecureRegistry;
    private final Consumer<LogEvent> log;
    private final Progress progress;

    /** Found in the registry: its manifest digest and its layers, base first, dependency layers named. */
    public record Found(String digest, List<LayerResult> layers) {
        public Found {
            layers = List.copyOf(layers);
        }
    }

    public DependencyImage(boolean allowInsecureRegistry, Consumer<LogEvent> log, Progress progress) {
        this.allowInsecureRegistry = allowInsecureRegistry;
        this.log = log;
        this.progress = progress;
    }

    /**
     * The tag for dependencies with this content key on this base, for these platforms, at this path in the image,
     * made by this version of mlship (its history entries are part of the image, so of the final digest).
     */
    public static String tag(String dependencyKey, String baseReference, List<String> platforms, String pythonTarget,
                             String toolVersion) {
        String text = String.join("\n", LAYOUT, dependencyKey, baseReference, String.join(",", platforms),
                pythonTarget, String.valueOf(toolVersion));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "deps-" + HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The dependency image {@code repository:tag}, if the registry has it for every one of {@code platforms}: an
     * image index (or manifest list) with an image for each, or a single image when one platform is asked for. The
     * layers returned are the first platform's. A lookup that fails for any reason is a miss, said in the log: the
     * build then makes the layers itself, and a registry that is really unreachable fails the push with its own
     * explanation.
     */
    public Optional<Found> find(String repository, String tag, List<String> platforms) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(repository + ":" + tag);
        } catch (InvalidImageReferenceException e) {
            return Optional.empty(); // the build refuses the repository itself, naming the field
        }
        FailoverHttpClient http = new FailoverHttpClient(allowInsecureRegistry, false, log);
        try {
            RegistryClient client = RegistryAccess.client(ref, http, log);
            Optional<ManifestAndDigest<ManifestTemplate>> top = client.checkManifest(tag);
            if (top.isEmpty()) {
                return Optional.empty();
            }
            ManifestTemplate manifest = top.get().getManifest();
            if (manifest instanceof ManifestListTemplate list) {
                Map<String, String> digests = RegistryAccess.platformDigests(list, platforms);
                if (digests.size() < platforms.size()) {
                    return Optional.empty(); // made for fewer platforms: build the index for all of them
                }
                manifest = client.pullManifest(digests.get(platforms.get(0))).getManifest();
            } else if (platforms.size() > 1) {
                return Optional.empty();
            }
            if (!(manifest instanceof BuildableManifestTemplate image)) {
                return Optional.empty();
            }
            List<String> names = layerNames(RegistryAccess.config(client, image));
            if (names.isEmpty() || names.size() > image.getLayers().size()) {
                return Optional.empty();
            }
            return Optional.of(new Found(top.get().getDigest().toString(), LayerResult.named(image, names)));
        } catch (IOException | RegistryException | RuntimeException e) {
            progress.step("python: could not look up " + ref + " (" + e.getClass().getSimpleName() + ": "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "); building the dependency layers");
            return Optional.empty();
        } finally {
            RegistryAccess.shutDown(http);
        }
    }

    private static List<String> layerNames(JsonNode config) {
        String label = config.path("config").path("Labels").path(LAYERS_LABEL).asText("");
        return label.isBlank() ? List.of() : Arrays.asList(label.split(","));
    }
}
