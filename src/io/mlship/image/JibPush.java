package io.mlship.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.event.events.ProgressEvent;
import com.google.cloud.tools.jib.frontend.CredentialRetrieverFactory;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Runs a Jib build to where the request sends it: a tar file, or a registry with {@link PushRetry} (a deadline, and
 * backoff on transient failures), with the registry's credentials and Jib's events reported as the build's progress.
 */
final class JibPush {
    /** Tool name and version go into the image history; pinned so the digest does not drift. */
    static final String TOOL_NAME = "mlship";

    private final Progress progress;
    private final PushRetry retry;

    JibPush(Progress progress, PushRetry retry) {
        this.progress = progress;
        this.retry = retry;
    }

    /** The built image: pushed to {@code target} (and its other tags), or written to the request's tar. */
    JibContainer run(JibContainerBuilder builder, BuildRequest request, ImageReference target, List<String> moreTags,
                     BuildProgress events, long deadline) throws InterruptedException, ExecutionException,
            RegistryException, IOException, CacheDirectoryCreationException {
        return request.pushes() ? push(builder, request, target, moreTags, events, deadline)
                : builder.containerize(containerizer(request, target, moreTags, events));
    }

    /**
     * Pushes with {@link PushRetry}: each attempt runs on threads of its own, so the deadline can stop one that hangs;
     * a transient failure (5xx, 429, a broken connection) is retried after a logged backoff. Fails naming the registry.
     */
    JibContainer push(JibContainerBuilder builder, BuildRequest request, ImageReference target,
                              List<String> moreTags, BuildProgress events, long deadline) throws InterruptedException {
        String registry = target.getRegistry();
        for (int attempt = 1; ; attempt++) {
            ExecutorService jibThreads = Executors.newCachedThreadPool(daemon("jib-push"));
            ExecutorService runner = Executors.newSingleThreadExecutor(daemon("mlship-push"));
            Containerizer containerizer = containerizer(request, target, moreTags, events).setExecutorService(jibThreads);
            Future<JibContainer> pushed = runner.submit(() -> builder.containerize(containerizer));
            try {
                return pushed.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                pushed.cancel(true);
                throw MlshipException.infrastructure("the push to " + registry + " did not finish within "
                                + retry.deadline().toSeconds() + "s (attempt " + attempt + " of " + retry.attempts()
                                + "): the registry stopped answering",
                        "check the registry's health and the agent's network, then build again; the manifest and tags are "
                                + "written last, so none of the new tags was pushed", e);
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                long backoff = retry.backoffBefore(attempt + 1).toNanos();
                if (!PushRetry.isTransient(cause) || attempt >= retry.attempts() || System.nanoTime() + backoff >= deadline) {
                    MlshipException explained = JibFailures.explain(cause instanceof Exception x ? x : e, request);
                    if (explained.category() == io.mlship.result.ErrorCategory.BAD_INPUT) {
                        throw explained; // about the request (a missing base image, …): the registry is fine
                    }
                    throw new MlshipException(explained.category(), "pushing to " + registry + " failed"
                            + (attempt > 1 ? " after " + attempt + " attempts" : "") + ": " + explained.getMessage(),
                            explained.hint(), explained.problems(), cause);
                }
                progress.step("the push to " + registry + " failed (" + shortReason(cause) + "); retrying in "
                        + TimeUnit.NANOSECONDS.toMillis(backoff) + " ms (attempt " + (attempt + 1) + " of " + retry.attempts()
                        + "); blobs the registry already has are not uploaded again");
                TimeUnit.NANOSECONDS.sleep(backoff);
            } finally {
                runner.shutdownNow();
                jibThreads.shutdownNow();
            }
        }
    }

    private static String shortReason(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getMessage() != null && root.getCause().getMessage() != null
                && !(root instanceof com.google.cloud.tools.jib.http.ResponseException)) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage()).lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + ": " + message;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    static RegistryImage registryImage(ImageReference ref, BuildProgress events) {
        RegistryImage image = RegistryImage.named(ref);
        credentials(ref, events::onLog).forEach(image::addCredentialRetriever);
        return image;
    }

    private Containerizer containerizer(BuildRequest request, ImageReference target, List<String> moreTags,
                                        BuildProgress events) {
        Containerizer containerizer = request.pushes() ? Containerizer.to(registryImage(target, events))
                : Containerizer.to(TarImage.at(request.tarOutput()).named(target));
        for (String tag : moreTags) {
            containerizer.withAdditionalTag(tag);
        }
        if (request.cacheDir() != null) {
            containerizer.setBaseImageLayersCache(request.cacheDir().resolve("base-layers"))
                    .setApplicationLayersCache(request.cacheDir().resolve("app-layers"));
        }
        return containerizer.setAllowInsecureRegistries(request.allowInsecureRegistry())
                .setToolName(TOOL_NAME)
                .setToolVersion(request.toolVersion())
                .addEventHandler(LogEvent.class, events::onLog)
                .addEventHandler(ProgressEvent.class, events::onProgress);
    }

    /** Application Default Credentials (Artifact Registry on GCP), docker credential helpers and config. */
    static List<com.google.cloud.tools.jib.api.CredentialRetriever> credentials(ImageReference ref,
                                                                               Consumer<LogEvent> logger) {
        CredentialRetrieverFactory factory = CredentialRetrieverFactory.forImage(ref, logger);
        return List.of(factory.dockerConfig(), factory.wellKnownCredentialHelpers(),
                factory.googleApplicationDefaultCredentials());
    }
}
