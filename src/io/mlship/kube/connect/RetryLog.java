package io.mlship.kube.connect;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.mlship.progress.Progress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the client's own retries visible. fabric8 retries a request that got 429 or a 5xx answer, or whose
 * connection failed, with exponential backoff (set in {@link ClusterConnector}) — and says so only at debug level.
 * This interceptor reports each such answer, so a deploy log shows what was retried and why. It also notes a watch
 * opened again on what was watched before: informers do that when a watch stream ends early (a dropped
 * connection, an API server restart), listing again first so that nothing that happened meanwhile is missed.
 */
final class RetryLog implements Interceptor {
    private final Progress progress;
    private final int retries;
    private final long firstBackoffMillis;
    private final Set<String> watched = ConcurrentHashMap.newKeySet();

    RetryLog(Progress progress, int retries, long firstBackoffMillis) {
        this.progress = progress;
        this.retries = retries;
        this.firstBackoffMillis = firstBackoffMillis;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        String query = request.uri().getRawQuery();
        if (!"GET".equals(request.method()) || query == null || !query.contains("watch=true")) {
            return;
        }
        // What is watched: the path and its selectors, not the resourceVersion it resumes from.
        String what = request.uri().getRawPath() + "?" + java.util.Arrays.stream(query.split("&"))
                .filter(p -> p.startsWith("fieldSelector=") || p.startsWith("labelSelector=")).sorted()
                .collect(java.util.stream.Collectors.joining("&"));
        if (!watched.add(what)) {
            progress.step("the watch of " + request.uri().getRawPath() + " ended (a dropped connection, or the server closed it); the client listed again and watches anew");
        }
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        int code = response.code();
        if (code == 429 || code >= 500) {
            progress.step("the Kubernetes API answered HTTP " + code + " to " + describe(request)
                    + "; the client retries it with backoff (up to " + retries + " retries, from " + firstBackoffMillis + " ms apart)");
        }
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        progress.step("the connection to the Kubernetes API failed during " + describe(request) + " (" + failure
                + "); the client retries it with backoff (up to " + retries + " retries, from " + firstBackoffMillis + " ms apart)");
    }

    private static String describe(HttpRequest request) {
        String query = request.uri().getRawQuery();
        // The path names the object; the query only adds fieldManager, selectors and watch options.
        return request.method() + " " + request.uri().getRawPath() + (query != null && query.contains("watch=true") ? " (watch)" : "");
    }
}
