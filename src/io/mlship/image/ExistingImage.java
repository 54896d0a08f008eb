package io.mlship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.DescriptorDigest;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The image a build would make, when its first tag already holds it: the image's {@link BuildKey} label equals the
 * build's. Then nothing is built: the other tags are pointed at it if they are not yet, and the build ends with the
 * image's digest, having read a manifest and a config. The look-up starts as soon as the tag is known and runs while
 * the build hashes its files; any doubt (no such tag, another key, an unreadable answer, a tag that would not come
 * out at the same digest) means "not found", and the build runs as usual.
 */
final class ExistingImage implements AutoCloseable {
    /** Jib bounds each request with its own timeouts; this bounds the whole look-up (a few requests). */
    private static final Duration LOOK_UP_LIMIT = Duration.ofSeconds(60);

    /** What the first tag holds: the manifest there, the image (one platform's, for an index) and its labels. */
    private record Candidate(ManifestAndDigest<ManifestTemplate> top, BuildableManifestTemplate image,
                             Map<String, String> platforms, JsonNode labels) {
    }

    private final String reference;
    private final Progress progress;
    private final FailoverHttpClient http;
    private final ExecutorService thread;
    private final Future<Optional<Candidate>> candidate;
    private volatile RegistryClient client;

    private ExistingImage(String reference, List<String> platforms, boolean allowInsecureRegistry,
                          Consumer<LogEvent> log, Progress progress) {
        this.reference = reference;
        this.progress = progress;
        this.http = new FailoverHttpClient(allowInsecureRegistry, false, log);
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mlship-existing-image");
            t.setDaemon(true);
            return t;
        });
        this.candidate = thread.submit(() -> candidate(platforms, log));
    }

    /** Starts reading what {@code reference} (repository:first tag) holds, in the background. */
    static ExistingImage lookUp(String reference, List<String> platforms, boolean allowInsecureRegistry,
                                Consumer<LogEvent> log, Progress progress) {
        return new ExistingImage(reference, platforms, allowInsecureRegistry, log, progress);
    }

    /** The built image, if the first tag holds one made with {@code buildKey}; its other tags then point at it. */
    Optional<BuiltImage> find(BuildRequest request, String buildKey) {
        try {
            if (!candidate.isDone()) {
                progress.step("waiting up to " + LOOK_UP_LIMIT.toSeconds() + " s for " + reference
                        + "'s manifest and config (is this build already pushed?)");
            }
            Optional<Candidate> found = candidate.get(LOOK_UP_LIMIT.toSeconds(), TimeUnit.SECONDS);
            if (found.isEmpty() || !buildKey.equals(found.get().labels().path(BuildKey.LABEL).asText(null))) {
                return Optional.empty();
            }
            Candidate image = found.get();
            String digest = image.top().getDigest().toString();
            for (String tag : request.tags().subList(1, request.tags().size())) {
                Optional<ManifestAndDigest<ManifestTemplate>> tagged = client.checkManifest(tag);
                if (tagged.isPresent() && tagged.get().getDigest().toString().equals(digest)) {
                    continue;
                }
                DescriptorDigest pushed = client.pushManifest(image.top().getManifest(), tag);
                if (!pushed.toString().equals(digest)) {
                    progress.step("tag " + tag + " came out as " + pushed + ", not " + digest + "; building the image");
                    return Optional.empty();
                }
                progress.step("tag " + tag + " now points at " + digest);
            }
            return Optional.of(new BuiltImage(digest, image.image().getContainerConfiguration().getDigest().toString(),
                    request.repository(), request.tags(), layers(request, image.image(), image.labels()), 0, null,
                    image.platforms()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (TimeoutException e) {
            progress.step("no answer from " + reference + " within " + LOOK_UP_LIMIT.toSeconds() + " s; building the image");
            return Optional.empty();
        } catch (ExecutionException | IOException | RegistryException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            progress.step("could not look up " + reference + " (" + cause.getClass().getSimpleName() + ": "
                    + String.valueOf(cause.getMessage()).lines().findFirst().orElse("") + "); building the image");
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        candidate.cancel(true);
        thread.shutdownNow();
        RegistryAccess.shutDown(http);
    }

    private Optional<Candidate> candidate(List<String> platforms, Consumer<LogEvent> log) throws Exception {
        ImageReference ref;
        try {
            ref = ImageReference.parse(reference);
        } catch (InvalidImageReferenceException e) {
            return Optional.empty(); // the build refuses the reference itself, naming the field
        }
        client = RegistryAccess.client(ref, http, log, true);
        Optional<ManifestAndDigest<ManifestTemplate>> top = client.checkManifest(ref.getQualifier());
        if (top.isEmpty()) {
            return Optional.empty();
        }
        Map<String, String> perPlatform = platforms(top.get().getManifest(), platforms);
        BuildableManifestTemplate image = perPlatform == null ? null
                : firstImage(client, top.get().getManifest(), perPlatform);
        if (image == null) {
            return Optional.empty();
        }
        return Optional.of(new Candidate(top.get(), image, perPlatform,
                RegistryAccess.config(client, image).path("config").path("Labels")));
    }

    /**
     * For an index, each of the build's platforms' manifest digest in it (null if one is missing: not this build's
     * image); for a single image, none.
     */
    private static Map<String, String> platforms(ManifestTemplate manifest, List<String> wanted) {
        if (!(manifest instanceof ManifestListTemplate list)) {
            return Map.of();
        }
        Map<String, String> digests = RegistryAccess.platformDigests(list, wanted);
        return digests.size() == wanted.size() ? digests : null;
    }

    /** The image itself, or for an index the first platform's: every platform's config carries the same key. */
    private static BuildableManifestTemplate firstImage(RegistryClient client, ManifestTemplate manifest,
                                                        Map<String, String> platforms)
            throws IOException, RegistryException {
        if (!platforms.isEmpty()) {
            manifest = client.pullManifest(platforms.values().iterator().next()).getManifest();
        }
        return manifest instanceof BuildableManifestTemplate image ? image : null;
    }

    /**
     * The image's layers named as a build names them: mlship's own layers are the last ones; before them, the
     * Python dependency layers its dependency image named in a label the image inherited; the rest are the base's.
     * None was uploaded.
     */
    private static List<LayerResult> layers(BuildRequest request, BuildableManifestTemplate image, JsonNode labels) {
        List<String> names = new ArrayList<>();
        String python = request.dependencies() == null ? "" : labels.path(DependencyImage.LAYERS_LABEL).asText("");
        if (!python.isBlank()) {
            names.addAll(List.of(python.split(",")));
        }
        request.layers().stream().filter(l -> !l.entries().isEmpty()).map(PlannedLayer::name).forEach(names::add);
        return LayerResult.named(image, names);
    }
}
