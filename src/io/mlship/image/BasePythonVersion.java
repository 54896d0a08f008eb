package io.mlship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.image.json.ManifestListTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.registry.RegistryClient;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The Python version a base image declares in its config's environment ({@code PYTHON_VERSION=3.12.7}, set by the
 * official python images), read from a docker-archive tar or from the registry (manifest and config only; no
 * layer is pulled). Empty when the base does not say, e.g. {@code scratch}.
 */
public final class BasePythonVersion {
    static final String VARIABLE = "PYTHON_VERSION";
    private static final int SMALL_ENTRY = 1 << 20;

    private final ObjectMapper json = new ObjectMapper();
    private final boolean allowInsecureRegistry;
    private final Consumer<LogEvent> log;

    public BasePythonVersion(boolean allowInsecureRegistry, Consumer<LogEvent> log) {
        this.allowInsecureRegistry = allowInsecureRegistry;
        this.log = log;
    }

    /** The base's Python as major.minor ("3.12"), or empty when its config does not name one. */
    public Optional<String> of(BaseImage base, String platform) {
        JsonNode config = switch (base.kind()) {
            case SCRATCH -> null;
            case TAR -> tarConfig(base);
            case REGISTRY -> registryConfig(base, platform);
        };
        if (config == null) {
            return Optional.empty();
        }
        for (JsonNode entry : config.path("config").path("Env")) {
            String text = entry.asText();
            if (text.startsWith(VARIABLE + "=")) {
                return Optional.ofNullable(PythonTarget.majorMinor(text.substring(VARIABLE.length() + 1)));
            }
        }
        return Optional.empty();
    }

    private static MlshipException noImageFor(BaseImage base, String platform, String why) {
        return MlshipException.badInput("image.platforms lists " + platform + ", but base image " + base.reference()
                        + " (image.base) has no image for it: " + why,
                "pick a base image (image.base) with an image for every platform in image.platforms (a manifest list or "
                        + "image index), or remove " + platform + " from image.platforms");
    }

    /** docker-archive: manifest.json names the config file beside it. */
    private JsonNode tarConfig(BaseImage base) {
        Map<String, byte[]> small = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(base.tar()))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (!e.isDirectory() && e.getSize() < SMALL_ENTRY) {
                    small.put(e.getName().replaceFirst("^\\./", ""), tar.readAllBytes());
                }
            }
            byte[] manifest = small.get("manifest.json");
            if (manifest == null) {
                return null; // not a docker-archive: the build itself says so, with the conversion command
            }
            byte[] config = small.get(json.readTree(manifest).path(0).path("Config").asText());
            return config == null ? null : json.readTree(config);
        } catch (IOException e) {
            throw MlshipException.badInput("base image " + base.tar() + " is not a readable tar: " + e.getMessage(),
                    "give a docker-archive tar");
        }
    }

    /**
     * The registry's manifest (for a multi-platform base, the entry of {@code platform}) and its config blob, with
     * the same credentials the build uses. Jib's HTTP client bounds every request with its own timeouts.
     */
    private JsonNode registryConfig(BaseImage base, String platform) {
        ImageReference ref;
        try {
            ref = ImageReference.parse(base.reference());
        } catch (InvalidImageReferenceException e) {
            return null; // the build refuses the reference itself, naming image.base
        }
        FailoverHttpClient http = new FailoverHttpClient(allowInsecureRegistry, false, log);
        try {
            RegistryClient client = RegistryAccess.client(ref, http, log);
            ManifestTemplate manifest = client.pullManifest(ref.getQualifier()).getManifest();
            boolean listed = manifest instanceof ManifestListTemplate;
            if (manifest instanceof ManifestListTemplate list) {
                String digest = RegistryAccess.platformDigests(list, List.of(platform)).get(platform);
                if (digest == null) {
                    throw noImageFor(base, platform, "its manifest list has none");
                }
                manifest = client.pullManifest(digest).getManifest();
            }
            if (!(manifest instanceof BuildableManifestTemplate image)) {
                return null; // an old schema 1 manifest carries no config blob
            }
            JsonNode config = RegistryAccess.config(client, image);
            String arch = config.path("architecture").asText("");
            if (!listed && !arch.isEmpty()
                    && !platform.equals(config.path("os").asText("linux") + "/" + arch)) {
                // Said before pip runs for a platform the base cannot serve; Jib would refuse it later anyway.
                throw noImageFor(base, platform, "it is a single image for " + config.path("os").asText("linux") + "/" + arch);
            }
            return config;
        } catch (IOException | RegistryException e) {
            throw JibFailures.explainBase(e, base.reference());
        } finally {
            RegistryAccess.shutDown(http);
        }
    }
}
