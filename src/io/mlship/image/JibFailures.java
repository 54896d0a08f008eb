package io.mlship.image;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.http.ResponseException;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * Turns what Jib throws into mlship's categories: wrong names and files are bad input (exit 2); a registry
 * that cannot be reached or refuses the credentials is an infrastructure error (exit 3). Either way the
 * image was not (completely) pushed, and the result says so.
 */
final class JibFailures {
    private JibFailures() {
    }

    static MlshipException explain(Exception thrown, BuildRequest request) {
        Throwable e = unwrap(thrown);
        String target = request.pushes() ? request.repository() : String.valueOf(request.tarOutput());
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (e instanceof InsecureRegistryException) {
            return MlshipException.badInput("the registry for " + target + " does not speak verified HTTPS: " + message,
                    "use an HTTPS registry; for a local test registry only, pass --allow-insecure-registry");
        }
        if (e instanceof RegistryUnauthorizedException || e instanceof RegistryAuthenticationFailedException) {
            return MlshipException.infrastructure("the registry refused the credentials: " + message,
                    "check the agent's credentials (gcloud auth configure-docker / Application Default Credentials) "
                            + "and that its account may write to " + request.repository(), e);
        }
        if (isBaseNotFound(e, lower, request)) {
            return MlshipException.badInput("base image " + request.base().reference() + " was not found: " + message,
                    "check image.base (or --base-image): registry, repository and tag or digest");
        }
        if (e instanceof UnknownHostException || e instanceof ConnectException || e instanceof NoRouteToHostException
                || e instanceof SocketTimeoutException || lower.contains("connect to") || lower.contains("connection refused")) {
            boolean base = request.base().kind() == BaseImage.Kind.REGISTRY && message.contains(baseHost(request));
            return MlshipException.infrastructure("cannot reach " + (base ? "the base image's registry" : "the registry")
                            + ": " + message,
                    "check the registry address and the agent's network (every registry call times out after "
                            + "jib.httpTimeout ms, 20 s by default)"
                            + (request.pushes() ? "; the new tags were not pushed" : ""), e);
        }
        if (e instanceof ResponseException r && (r.getStatusCode() >= 500 || r.getStatusCode() == 429)) {
            // Jib does not retry these; the message is "<code> <reason>\n<METHOD> <url>\n<body>": keep the first two lines.
            List<String> lines = message.lines().limit(2).map(l -> l.replaceFirst("\\?.*$", "")).toList();
            return MlshipException.infrastructure("the registry answered HTTP " + String.join(" to ", lines),
                    "an error on the registry's side (or throttling): check its status and build again; blobs it already "
                            + "has are not uploaded again, and no tag was written", e);
        }
        if (e instanceof CacheDirectoryCreationException) {
            return MlshipException.infrastructure("cannot create Jib's cache folder: " + message,
                    "give the agent's user a writable --cache-dir", e);
        }
        if (isPlatformMissing(lower)) {
            return MlshipException.badInput("image.platforms lists " + String.join(", ", request.platforms())
                            + ", but base image " + request.base().reference() + " (image.base) has no image for one of "
                            + "them: " + message,
                    "pick a base image (image.base) with an image for every platform in image.platforms (a manifest list "
                            + "or image index), or list only the base's platform in image.platforms");
        }
        if (e instanceof RegistryException) {
            return MlshipException.infrastructure("the registry rejected the build: " + message,
                    "see the registry's answer above; the image was not pushed completely, so nothing was reported as built", e);
        }
        if (request.base().kind() == BaseImage.Kind.TAR && e instanceof IOException) {
            return MlshipException.badInput("cannot use base image tar " + request.base().tar() + ": " + message,
                    "give a docker-archive tar (skopeo copy … docker-archive:FILE)");
        }
        return MlshipException.infrastructure("image build failed: " + e.getClass().getSimpleName() + ": " + message,
                "run again with --debug for the stack trace", e);
    }

    /** A failure reading the base image's manifest or config (to learn its Python) before the build starts. */
    static MlshipException explainBase(Exception thrown, String reference) {
        Throwable e = unwrap(thrown);
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase(Locale.ROOT);
        if (e instanceof InsecureRegistryException) {
            return MlshipException.badInput("the registry of base image " + reference + " does not speak verified HTTPS: "
                    + message, "use an HTTPS registry; for a local test registry only, pass --allow-insecure-registry");
        }
        if (e instanceof RegistryException && (lower.contains("manifest_unknown") || lower.contains("manifest unknown")
                || lower.contains("name_unknown") || lower.contains("not found"))) {
            return MlshipException.badInput("base image " + reference + " was not found: " + message,
                    "check image.base (or --base-image): registry, repository and tag or digest");
        }
        return MlshipException.infrastructure("cannot read the config of base image " + reference
                        + " (to learn its Python version): " + message,
                "check image.base, the agent's network and its registry credentials (every registry call times out "
                        + "after jib.httpTimeout ms, 20 s by default)", e);
    }

    private static String baseHost(BuildRequest request) {
        String ref = request.base().reference();
        int slash = ref.indexOf('/');
        return slash > 0 && (ref.substring(0, slash).contains(".") || ref.substring(0, slash).contains(":"))
                ? ref.substring(0, slash).replaceFirst(":.*$", "") : "\u0000"; // Docker Hub short names: unknown host text
    }

    /** Jib's words for a base that lacks a configured platform (a single-platform image, or a list without it). */
    private static boolean isPlatformMissing(String lower) {
        return lower.contains("doesn't match the platform") || lower.contains("is not a manifest list")
                || lower.contains("does not contain an image for architecture");
    }

    private static boolean isBaseNotFound(Throwable e, String lower, BuildRequest request) {
        if (request.base().kind() != BaseImage.Kind.REGISTRY || !(e instanceof RegistryException)) {
            return false;
        }
        return lower.contains("manifest_unknown") || lower.contains("manifest unknown") || lower.contains("name_unknown")
                || lower.contains("not found") || lower.contains("could not be found");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof java.util.concurrent.ExecutionException || t.getClass() == RuntimeException.class)
                && t.getCause() != null) {
            t = t.getCause();
        }
        // Connection problems arrive wrapped in Jib's or the HTTP client's exceptions.
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof UnknownHostException || c instanceof ConnectException || c instanceof SocketTimeoutException) {
                return c;
            }
        }
        return t;
    }
}
