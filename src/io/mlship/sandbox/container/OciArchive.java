package io.mlship.sandbox.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Image tars in the OCI image layout ({@code index.json}, {@code oci-layout}, {@code blobs/sha256/…}), as
 * {@code mlship build --tar} (Jib) writes them. The index names the image manifest by its digest, which is the
 * digest the build reports and deploys refer to ({@code repo@sha256:…}); the manifest names the config and the
 * layer blobs (gzip-compressed or plain tars, bottom first).
 */
public final class OciArchive {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What an OCI image tar holds.
     *
     * @param manifestDigest {@code sha256:…} of the image manifest
     * @param layerDigests   the layer blobs' digests, bottom first
     */
    public record Contents(Path archive, String manifestDigest, String configDigest, ImageConfig config,
                           List<String> layerDigests) {
    }

    private OciArchive() {
    }

    /** Whether {@code archive} is in the OCI layout (has an {@code index.json}). */
    public static boolean isOciLayout(Path archive) throws IOException {
        return !entries(archive, Set.of("index.json")).isEmpty();
    }

    /** The digest of the (single) image manifest the index names, without reading anything else. */
    public static String manifestDigest(Path archive) throws IOException {
        JsonNode index = json(archive, "index.json");
        JsonNode manifests = index.path("manifests");
        if (!manifests.isArray() || manifests.size() != 1) {
            throw new IOException(archive + ": index.json must list exactly one image manifest, it lists "
                    + manifests.size());
        }
        return manifests.get(0).path("digest").asText();
    }

    public static Contents read(Path archive) throws IOException {
        String manifestDigest = manifestDigest(archive);
        JsonNode manifest = json(archive, blobPath(manifestDigest));
        String configDigest = manifest.path("config").path("digest").asText();
        JsonNode config = json(archive, blobPath(configDigest));
        List<String> layers = new ArrayList<>();
        manifest.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
        return new Contents(archive, manifestDigest, configDigest, DockerArchive.imageConfig(config.path("config")),
                List.copyOf(layers));
    }

    /** Calls {@code sink} with the plain tar stream of each layer, bottom first (gzip is undone here). */
    public static void eachLayer(Contents image, LayerSink sink) throws IOException {
        for (String digest : image.layerDigests()) {
            try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(image.archive()))) {
                TarArchiveEntry e;
                boolean found = false;
                while ((e = in.getNextEntry()) != null) {
                    if (name(e).equals(blobPath(digest))) {
                        found = true;
                        sink.accept(digest, uncompressed(in));
                        break;
                    }
                }
                if (!found) {
                    throw new IOException(image.archive() + " has no blob for layer " + digest);
                }
            }
        }
    }

    /** Receives one layer as a plain tar stream. */
    @FunctionalInterface
    public interface LayerSink {
        void accept(String digest, InputStream layerTar) throws IOException;
    }

    private static InputStream uncompressed(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in);
        b.mark(2);
        int first = b.read();
        int second = b.read();
        b.reset();
        if (first == 0x1f && second == 0x8b) {
            return new java.util.zip.GZIPInputStream(b, 64 * 1024);
        }
        return b;
    }

    private static JsonNode json(Path archive, String name) throws IOException {
        Map<String, byte[]> found = entries(archive, Set.of(name));
        if (!found.containsKey(name)) {
            throw new IOException(archive + " has no " + name + ": not an OCI image layout tar");
        }
        return JSON.readTree(found.get(name));
    }

    private static Map<String, byte[]> entries(Path archive, Set<String> names) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null && out.size() < names.size()) {
                if (names.contains(name(e))) {
                    out.put(name(e), in.readAllBytes());
                }
            }
        }
        return out;
    }

    private static String name(TarArchiveEntry e) {
        String n = e.getName();
        return n.startsWith("./") ? n.substring(2) : n;
    }

    private static String blobPath(String digest) {
        int colon = digest.indexOf(':');
        return "blobs/" + digest.substring(0, colon) + "/" + digest.substring(colon + 1);
    }
}
