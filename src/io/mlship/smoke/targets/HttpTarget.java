package io.mlship.smoke.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlship.smoke.cases.SmokeRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A service reached over HTTP(S) at a base URL: its ingress host, a port-forward or a local server. */
public final class HttpTarget implements Target {
    private final URI base;
    private final String predictPath;
    private final Duration timeout;
    private final ObjectMapper json;
    private final HttpClient client;
    private final Map<Key, HttpRequest> prepared = new ConcurrentHashMap<>();

    /** Cases are few and live as long as the target; their requests are told apart by identity. */
    private record Key(SmokeRequest request) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.request == request;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(request);
        }
    }

    public HttpTarget(URI base, String predictPath, Duration timeout, ObjectMapper json) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.predictPath = predictPath == null ? "/predict" : predictPath;
        this.timeout = timeout;
        this.json = json;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String describe() {
        return base.toString();
    }

    @Override
    public Response send(SmokeRequest request) {
        return exchange(request, true);
    }

    @Override
    public Response measure(SmokeRequest request) {
        return exchange(request, false);
    }

    private Response exchange(SmokeRequest request, boolean parse) {
        HttpRequest http;
        try {
            // Requests are immutable: build each case's once, not once per load request.
            http = prepared.computeIfAbsent(new Key(request), k -> build(k.request()));
        } catch (IllegalArgumentException e) {
            return Response.failed("cannot build the request: " + e.getMessage(), 0);
        }
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> future = client.sendAsync(http, HttpResponse.BodyHandlers.ofString());
        try {
            // The request timeout covers only the headers; this bound also covers a body that never ends.
            HttpResponse<String> answer = future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            long nanos = System.nanoTime() - start;
            String body = answer.body();
            return new Response(answer.statusCode(), body, parse ? parse(body) : null, nanos, null, null);
        } catch (TimeoutException e) {
            future.cancel(true);
            return Response.failed("no answer within " + timeout.toMillis() + " ms", System.nanoTime() - start);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause instanceof java.net.http.HttpTimeoutException
                    ? "no answer within " + timeout.toMillis() + " ms"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
            return Response.failed(why, System.nanoTime() - start);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            return Response.failed("interrupted", System.nanoTime() - start);
        }
    }

    private HttpRequest build(SmokeRequest request) {
        if (request instanceof SmokeRequest.HttpCall call) {
            HttpRequest.Builder b = HttpRequest.newBuilder(resolve(call.path())).timeout(timeout);
            for (Map.Entry<String, String> h : call.headers().entrySet()) {
                b.header(h.getKey(), h.getValue());
            }
            if (call.body() != null) {
                if (!call.headers().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("content-type"))) {
                    b.header("Content-Type", "application/json");
                }
                b.method(call.method(), HttpRequest.BodyPublishers.ofString(write(call.body()), StandardCharsets.UTF_8));
            } else {
                b.method(call.method(), HttpRequest.BodyPublishers.noBody());
            }
            return b.build();
        }
        SmokeRequest.PredictCall predict = (SmokeRequest.PredictCall) request;
        ObjectNode payload = json.createObjectNode();
        payload.set("instances", predict.instances());
        if (predict.parameters() != null) {
            payload.set("parameters", predict.parameters());
        }
        return HttpRequest.newBuilder(resolve(predictPath)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(write(payload), StandardCharsets.UTF_8))
                .build();
    }

    private URI resolve(String path) {
        return URI.create(base + (path.startsWith("/") ? path : "/" + path));
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }
}
