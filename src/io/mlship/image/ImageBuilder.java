package io.mlship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import com.google.cloud.tools.jib.api.buildplan.Platform;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.cache.Cache;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.cache.CachedLayer;
import com.google.common.collect.ImmutableList;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.util.concurrent.ExecutionException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;

/**
 * Builds an image with Jib, without a Docker daemon: base, then mlship's layers, pushed to a registry (only
 * the layers it does not have yet) or written to a tar file. The adapter for both the cloud (Artifact Registry
 * with Application Default Credentials or docker credential helpers) and local registries or tars.
 */
public final class ImageBuilder {
    /** Image creation time: fixed, so the checkout time never changes the digest. */
    static final Instant CREATION_TIME = Instant.EPOCH;

    private final Progress progress;
    private final PushRetry retry;
    private final JibPush jib;
    private final ObjectMapper json = new ObjectMapper();

    public ImageBuilder(Progress progress) {
        this(progress, PushRetry.defaults());
    }

    public ImageBuilder(Progress progress, PushRetry retry) {
        this.progress = progress;
        this.retry = retry;
        this.jib = new JibPush(progress, retry);
    }

    /**
     * Loads and initialises what a build's first registry request needs, without connecting anywhere: the JVM's
     * trust store and TLS, which Jib's HTTP client sets up even for a plain-HTTP registry (it tries HTTPS first),
     * and that client's classes. Run early on a spare thread, it overlaps with parsing the options and the spec.
     */
    public static void warmUp() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((KeyStore) null);
        SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
        SSLConnectionSocketFactory.getSocketFactory();
        RegistryAccess.shutDown(new FailoverHttpClient(true, false, event -> { }));
    }

    public BuiltImage build(BuildRequest request) {
        checkBase(request.base());
        if (!request.pushes() && request.platforms().size() > 1) {
            throw MlshipException.badInput("a tar holds one platform, but image.platforms lists "
                    + request.platforms(), "build the tar for one platform (set image.platforms), or push to a registry");
        }
        List<PlannedLayer> layers = request.layers().stream().filter(l -> !l.entries().isEmpty()).toList();
        BuildProgress events = new BuildProgress(progress);
        BuildProgress dependencyEvents = new BuildProgress(progress);
        ImageReference target = reference(request.primaryReference(), "image.registry/image.repository");
        long deadline = System.nanoTime() + retry.deadline().toNanos();
        if (request.dependencies() != null && !request.dependencies().resolved()) {
            throw new IllegalStateException("the dependency image " + request.dependencies().tag() + " was not looked up");
        }
        try {
            DependencyImage.Found dependencies = request.pushes() && request.dependencies() != null
                    ? dependencyImage(request, request.dependencies(), dependencyEvents, deadline) : null;
            JibContainerBuilder builder = dependencies == null ? startFrom(request.base(), events)
                    : Jib.from(JibPush.registryImage(reference(request.repository() + "@" + dependencies.digest(),
                    "image.registry/image.repository"), events));
            for (PlannedLayer layer : layers) {
                builder.addFileEntriesLayer(layer.toJib());
            }
            builder.setEntrypoint(request.entrypoint().isEmpty() ? null : request.entrypoint())
                    .setProgramArguments(request.cmd().isEmpty() ? null : request.cmd())
                    .setEnvironment(request.env())
                    .setLabels(request.labels())
                    .setUser(request.user())
                    .setCreationTime(CREATION_TIME)
                    // Jib writes a manifest list for several platforms only in Docker's format (an OCI index: "not
                    // yet supported"); one platform stays OCI, so single-platform digests do not change.
                    .setFormat(request.platforms().size() > 1 ? ImageFormat.Docker : ImageFormat.OCI)
                    .setPlatforms(platforms(request.platforms()));
            if (request.port() > 0) {
                builder.setExposedPorts(Set.of(Port.tcp(request.port())));
            }
            if (request.workdir() != null) {
                builder.setWorkingDirectory(AbsoluteUnixPath.get(request.workdir()));
            }
            progress.step((request.pushes() ? "pushing " + target + (request.tags().size() > 1 ? " (+ tags " + request.tags().subList(1, request.tags().size()) + ")" : "")
                    : "writing " + request.tarOutput() + " (no push)") + "; base " + (dependencies == null
                    ? request.base().reference() : request.repository() + ":" + request.dependencies().tag())
                    + "; layers " + layers.stream().map(PlannedLayer::name).toList());
            List<String> moreTags = request.tags().subList(1, request.tags().size());
            JibContainer container = jib.run(builder, request, target, moreTags, events, deadline);
            List<LayerResult> results = layerResults(request, layers, events, dependencies, dependencyEvents);
            long uploaded = request.pushes() ? events.bytesUploaded(events.configBlobSizes())
                    + dependencyEvents.bytesUploaded(dependencyEvents.configBlobSizes()) : 0;
            String digest = container.getDigest().toString();
            Map<String, String> perPlatform = request.pushes() && request.platforms().size() > 1
                    ? new PlatformIndex(request.allowInsecureRegistry(), events::onLog)
                    .read(request.repository(), digest, request.platforms()) : Map.of();
            return new BuiltImage(digest, container.getImageId().toString(),
                    request.repository(), request.tags(), results, uploaded,
                    request.pushes() ? null : request.tarOutput().toString(), perPlatform);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MlshipException.infrastructure("interrupted while building the image", "run the build again", e);
        } catch (ExecutionException | RegistryException | IOException | CacheDirectoryCreationException e) {
            throw JibFailures.explain(e, request);
        }
    }

    /**
     * Starts reading what a pushed build's first tag ({@code reference}) holds, while the build gets its files ready;
     * {@link #existing} then says whether it is this build's image. Close it when the build is done.
     */
    public ExistingImage lookUp(String reference, List<String> platforms, boolean allowInsecureRegistry) {
        return ExistingImage.lookUp(reference, platforms, allowInsecureRegistry, new BuildProgress(progress)::onLog,
                progress);
    }

    /**
     * The {@link BuildKey} of what this request would make: a pushed image carries it as a label, so that a later
     * build of the same content finds the image ({@link #existing}) instead of making it again.
     */
    public String key(BuildRequest request) {
        try {
            return BuildKey.of(request);
        } catch (java.io.UncheckedIOException e) {
            throw MlshipException.badInput(e.getMessage(), "check that the agent's user can read the files the spec "
                    + "puts in the image");
        }
    }

    /**
     * The image a request with this key would make, if its first tag already holds it: then there is nothing to
     * build, and its other tags are made to point at it.
     */
    public Optional<BuiltImage> existing(BuildRequest request, String buildKey, ExistingImage lookUp) {
        Optional<BuiltImage> found = lookUp.find(request, buildKey);
        found.ifPresent(image -> progress.step("image unchanged: " + request.primaryReference() + " already holds this "
                + "build (" + BuildKey.LABEL + " " + buildKey.substring(7, 19) + "); nothing installed, built or uploaded"));
        return found;
    }

    /**
     * The dependency image to build on: found by the caller, or built here from the base and the dependency layers
     * and pushed under its content tag, then read back (its manifest digest and layers) like a found one. With a
     * set of layers per platform, each platform's image is pushed under a tag of its own and an OCI image index of
     * them under the content tag ({@link PlatformIndex}).
     */
    private DependencyImage.Found dependencyImage(BuildRequest request, DependencyBase deps, BuildProgress events,
                                                  long deadline) throws InterruptedException {
        String reference = request.repository() + ":" + deps.tag();
        if (deps.found() != null) {
            progress.step("python: dependencies unchanged, reusing " + reference + " from the registry (nothing installed, "
                    + "compressed or uploaded for them)");
            return deps.found();
        }
        if (deps.platformLayers().isEmpty()) {
            pushDependencyImage(request, deps.layers(), request.platforms(), reference, events, deadline);
        } else {
            Map<String, String> manifests = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, List<PlannedLayer>> platform : deps.platformLayers().entrySet()) {
                String perPlatform = reference + "-" + PlatformIndex.osArch(platform.getKey())[1];
                manifests.put(platform.getKey(), pushDependencyImage(request, platform.getValue(),
                        List.of(platform.getKey()), perPlatform, events, deadline).getDigest().toString());
            }
            progress.step("python: pushing the image index " + reference + " of " + manifests.keySet());
            new PlatformIndex(request.allowInsecureRegistry(), events::onLog).push(request.repository(), deps.tag(), manifests);
        }
        return new DependencyImage(request.allowInsecureRegistry(), events::onLog, progress)
                .find(request.repository(), deps.tag(), request.platforms())
                .orElseThrow(() -> MlshipException.infrastructure("pushed " + reference + ", but the registry does not "
                        + "return it with its layers", "check the registry's health, then build again", null));
    }

    private JibContainer pushDependencyImage(BuildRequest request, List<PlannedLayer> layers, List<String> platforms,
                                             String reference, BuildProgress events, long deadline)
            throws InterruptedException {
        List<String> names = layers.stream().map(PlannedLayer::name).toList();
        JibContainerBuilder builder = startFrom(request.base(), events);
        layers.forEach(layer -> builder.addFileEntriesLayer(layer.toJib()));
        builder.setLabels(Map.of(DependencyImage.LAYERS_LABEL, String.join(",", names)))
                .setCreationTime(CREATION_TIME)
                .setFormat(ImageFormat.OCI)
                .setPlatforms(platforms(platforms));
        progress.step("python: pushing the dependency image " + reference + "; base " + request.base().reference()
                + "; layers " + names + " (compressed concurrently)");
        return jib.push(builder, request, reference(reference, "image.registry/image.repository"), List.of(), events, deadline);
    }

    private JibContainerBuilder startFrom(BaseImage base, BuildProgress events) {
        switch (base.kind()) {
            case SCRATCH:
                return Jib.fromScratch();
            case TAR:
                return Jib.from(TarImage.at(base.tar()));
            default:
                return Jib.from(JibPush.registryImage(reference(base.reference(), "image.base"), events));
        }
    }

    private static Set<Platform> platforms(List<String> platforms) {
        Set<Platform> out = new LinkedHashSet<>();
        for (String p : platforms) {
            String[] parts = PlatformIndex.osArch(p);
            out.add(new Platform(parts[1], parts[0]));
        }
        return out;
    }

    private static ImageReference reference(String value, String field) {
        try {
            return ImageReference.parse(value);
        } catch (InvalidImageReferenceException e) {
            throw MlshipException.badInput(field + ": '" + value + "' is not a valid image reference",
                    "use registry/repository[:tag][@sha256:…]");
        }
    }

    /** Jib reads docker-archive tars only (manifest.json at the top); say so before anything else runs. */
    private static void checkBase(BaseImage base) {
        if (base.kind() != BaseImage.Kind.TAR) {
            return;
        }
        if (!Files.isRegularFile(base.tar()) || !Files.isReadable(base.tar())) {
            throw MlshipException.badInput("base image tar " + base.tar() + " does not exist or is not readable",
                    "give a docker-archive tar (docker save / skopeo copy … docker-archive:FILE), or 'scratch'");
        }
        Set<String> names = new LinkedHashSet<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(base.tar()))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                names.add(e.getName().replaceFirst("^\\./", ""));
            }
        } catch (IOException e) {
            throw MlshipException.badInput("base image " + base.tar() + " is not a readable tar: " + e.getMessage(),
                    "give a docker-archive tar");
        }
        if (!names.contains("manifest.json")) {
            String kind = names.contains("index.json") ? "an OCI layout" : "not an image archive";
            throw MlshipException.badInput("base image " + base.tar() + " is " + kind + "; Jib reads docker-archive tars only",
                    "convert it: skopeo copy oci-archive:" + base.tar().getFileName() + " docker-archive:base.tar");
        }
    }

    /** Base layers first, then mlship's, each with digest, compressed size and whether it was uploaded. */
    private List<LayerResult> layerResults(BuildRequest request, List<PlannedLayer> layers, BuildProgress events,
                                           DependencyImage.Found dependencies, BuildProgress dependencyEvents)
            throws IOException, CacheDirectoryCreationException {
        List<LayerResult> own = new ArrayList<>();
        Set<String> ownDigests = new LinkedHashSet<>();
        Optional<Cache> cache = request.cacheDir() == null ? Optional.empty()
                : Optional.of(Cache.withDirectory(request.cacheDir().resolve("app-layers")));
        for (PlannedLayer layer : layers) {
            Optional<CachedLayer> cached;
            try {
                cached = cache.isPresent() ? cache.get().retrieve(ImmutableList.copyOf(layer.entries())) : Optional.empty();
            } catch (com.google.cloud.tools.jib.cache.CacheCorruptedException e) {
                throw MlshipException.infrastructure("Jib's layer cache in " + request.cacheDir() + " is corrupted: "
                        + e.getMessage(), "delete that folder and build again", e);
            }
            String digest = cached.map(c -> c.getDigest().toString()).orElse("unknown");
            long size = cached.map(CachedLayer::getSize).orElse(-1L);
            ownDigests.add(digest);
            own.add(new LayerResult(layer.name(), digest, size, request.pushes() && events.uploaded(digest)));
        }
        List<LayerResult> all = new ArrayList<>();
        if (dependencies != null) {
            // Base and dependency layers come from the dependency image: uploaded only if its push just sent them.
            for (LayerResult layer : dependencies.layers()) {
                all.add(new LayerResult(layer.name(), layer.digest(), layer.size(),
                        dependencyEvents.uploaded(layer.digest()) || events.uploaded(layer.digest())));
            }
        } else if (request.pushes()) {
            for (Map.Entry<String, Long> blob : events.layerBlobs().entrySet()) {
                if (!ownDigests.contains(blob.getKey())) {
                    all.add(new LayerResult("base", blob.getKey(), blob.getValue(), events.uploaded(blob.getKey())));
                }
            }
        } else {
            for (Map.Entry<String, Long> blob : tarLayers(request.tarOutput()).entrySet()) {
                if (!ownDigests.contains(blob.getKey())) {
                    all.add(new LayerResult("base", blob.getKey(), blob.getValue(), false));
                }
            }
        }
        all.addAll(own);
        return all;
    }

    /** The layers listed by the manifest of an OCI tar Jib wrote, in image order. */
    private Map<String, Long> tarLayers(Path tarFile) throws IOException {
        Map<String, byte[]> small = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(tarFile))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getSize() < (1 << 20) && !e.isDirectory()) {
                    small.put(e.getName(), readAll(tar));
                }
            }
        }
        Map<String, Long> layers = new java.util.LinkedHashMap<>();
        byte[] index = small.get("index.json");
        if (index == null) {
            return layers;
        }
        String manifestDigest = json.readTree(index).path("manifests").path(0).path("digest").asText();
        byte[] manifest = small.get("blobs/sha256/" + manifestDigest.replace("sha256:", ""));
        if (manifest == null) {
            return layers;
        }
        for (JsonNode layer : json.readTree(manifest).path("layers")) {
            layers.put(layer.path("digest").asText(), layer.path("size").asLong());
        }
        return layers;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
