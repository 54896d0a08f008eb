package io.mlship.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.blob.BlobDescriptor;
import com.google.cloud.tools.jib.hash.Digests;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.ManifestListTemplate;
import com.google.cloud.tools.jib.image.json.ManifestTemplate;
import com.google.cloud.tools.jib.image.json.OciIndexTemplate;
import com.google.cloud.tools.jib.image.json.OciManifestTemplate;
import com.google.cloud.tools.jib.json.JsonTemplateMapper;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import com.google.cloud.tools.jib.registry.RegistryClient;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.security.DigestException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An OCI image index in the target repository: written from single-platform images already pushed (each
 * platform's dependency image), or read back (which manifest serves which platform). Requests go through Jib's
 * registry client, whose HTTP client bounds each one with its connect and read timeouts.
 */
final class PlatformIndex {
    private final boolean allowInsecureRegistry;
    private final Consumer<LogEvent> log;
    private final ObjectMapper json = new ObjectMapper();

    PlatformIndex(boolean allowInsecureRegistry, Consumer<LogEvent> log) {
        this.allowInsecureRegistry = allowInsecureRegistry;
        this.log = log;
    }

    /**
     * Pushes an index of {@code manifests} (platform such as {@code linux/arm64} → manifest digest, each already in
     * {@code repository}) under {@code tag}; returns the index's digest.
     */
    String push(String repository, String tag, Map<String, String> manifests) {
        ImageReference ref = reference(repository + ":" + tag);
        FailoverHttpClient http = new FailoverHttpClient(allowInsecureRegistry, false, log);
        try {
            RegistryClient client = RegistryAccess.client(ref, http, log, true);
            ObjectNode index = json.createObjectNode().put("schemaVersion", 2).put("mediaType", OciIndexTemplate.MEDIA_TYPE);
            ArrayNode entries = index.putArray("manifests");
            for (Map.Entry<String, String> platform : manifests.entrySet()) {
                BlobDescriptor manifest = descriptor(client, platform.getValue());
                String[] osArch = osArch(platform.getKey());
                ObjectNode entry = entries.addObject().put("mediaType", OciManifestTemplate.MANIFEST_MEDIA_TYPE)
                        .put("digest", manifest.getDigest().toString()).put("size", manifest.getSize());
                entry.putObject("platform").put("architecture", osArch[1]).put("os", osArch[0]);
            }
            OciIndexTemplate template = JsonTemplateMapper.readJson(json.writeValueAsBytes(index), OciIndexTemplate.class);
            return client.pushManifest(template, tag).toString();
        } catch (IOException | RegistryException | DigestException e) {
            throw MlshipException.infrastructure("pushing the image index " + ref + " failed: " + e.getMessage(),
                    "check the registry's health and that it accepts OCI image indexes, then build again", e);
        } finally {
            RegistryAccess.shutDown(http);
        }
    }

    /**
     * Which manifest of the index {@code repository@digest} serves each of {@code platforms}; empty when the digest
     * names a single image, not an index.
     */
    Map<String, String> read(String repository, String digest, List<String> platforms) {
        ImageReference ref = reference(repository + "@" + digest);
        FailoverHttpClient http = new FailoverHttpClient(allowInsecureRegistry, false, log);
        try {
            ManifestTemplate manifest = RegistryAccess.client(ref, http, log).pullManifest(digest).getManifest();
            return manifest instanceof ManifestListTemplate list ? RegistryAccess.platformDigests(list, platforms)
                    : Map.of();
        } catch (IOException | RegistryException e) {
            throw MlshipException.infrastructure("reading back the image index " + ref + " failed: " + e.getMessage(),
                    "check the registry's health, then build again", e);
        } finally {
            RegistryAccess.shutDown(http);
        }
    }

    /**
     * The manifest's size and digest as the registry holds it. Jib serializes its manifests itself, so serializing
     * the pulled template again gives the pushed bytes; a digest that differs is said rather than indexed wrongly.
     */
    private static BlobDescriptor descriptor(RegistryClient client, String digest) throws IOException, RegistryException, DigestException {
        ManifestAndDigest<OciManifestTemplate> pulled = client.pullManifest(digest, OciManifestTemplate.class);
        BlobDescriptor computed = Digests.computeDigest(pulled.getManifest());
        DescriptorDigest expected = DescriptorDigest.fromDigest(digest);
        if (!computed.getDigest().equals(expected)) {
            throw new IOException("manifest " + digest + " reads back as " + computed.getDigest());
        }
        return computed;
    }

    /** "linux/arm64" → ["linux", "arm64"]. */
    static String[] osArch(String platform) {
        String[] parts = platform.split("/");
        return new String[] {parts[0], parts[1]};
    }

    private static ImageReference reference(String value) {
        try {
            return ImageReference.parse(value);
        } catch (InvalidImageReferenceException e) {
            throw MlshipException.badInput("image.registry/image.repository: '" + value + "' is not a valid image "
                    + "reference", "use registry/repository");
        }
    }
}
