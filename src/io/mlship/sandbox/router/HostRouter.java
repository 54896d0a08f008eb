package io.mlship.sandbox.router;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mlship.sandbox.kube.RolloutSimulator;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plays the cluster's ingress controller and Gateway on one loopback port: each request is routed by its Host
 * header through the Ingresses and HTTPRoutes of every namespace ({@link RouteTable}) to the Service's pods (the
 * URL the sandbox notes on the Service) and the answer passed back, so the shares a canary's route gives can be
 * counted. What it routes by is read again at most every {@link #REFRESH}, as a controller lags its API a little.
 */
public final class HostRouter implements AutoCloseable {
    private static final Duration REFRESH = Duration.ofMillis(200);
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding", "te", "trailer",
            "upgrade", "host", "content-length", "proxy-connection");

    private final KubernetesClient client;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "mlship-sandbox-router");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient upstream = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final java.util.function.IntUnaryOperator dice;
    private volatile RouteTable table;
    private volatile Map<RouteTable.Backend, String> urls = Map.of();
    private volatile long tableRead;

    private HostRouter(KubernetesClient client, HttpServer server, java.util.function.IntUnaryOperator dice) {
        this.client = client;
        this.server = server;
        this.dice = dice;
    }

    /** Listens on 127.0.0.1:{@code port} (0: any free one). */
    public static HostRouter start(KubernetesClient client, int port) throws IOException {
        return start(client, port, bound -> ThreadLocalRandom.current().nextInt(bound));
    }

    /** The same, with the dice weighted routes are drawn by given (a test makes its counts repeatable). */
    public static HostRouter start(KubernetesClient client, int port, java.util.function.IntUnaryOperator dice) throws IOException {
        HostRouter router = new HostRouter(client, HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64), dice);
        router.server.createContext("/", router::handle);
        router.server.setExecutor(router.threads);
        router.server.start();
        return router;
    }

    /** Where to send requests, with the host in their Host header: {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String host = hostOf(exchange.getRequestHeaders().getFirst("Host"));
            Map<String, String> headers = new HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
            URI uri = exchange.getRequestURI();
            Optional<RouteTable.Backend> backend = table().route(host, uri.getPath(), headers);
            if (backend.isEmpty()) {
                answer(exchange, 404, "no Ingress or HTTPRoute routes " + host + uri.getPath() + " in the sandbox\n");
                return;
            }
            Optional<String> base = Optional.ofNullable(urls.get(backend.get()));
            if (base.isEmpty()) {
                answer(exchange, 503, "Service " + backend.get().namespace() + "/" + backend.get().service()
                        + " has no ready pods serving in the sandbox\n");
                return;
            }
            forward(exchange, URI.create(base.get() + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
        } catch (KubernetesClientException e) {
            answer(exchange, 502, "the sandbox router cannot read its routes: " + e.getMessage() + "\n");
        }
    }

    private void forward(HttpExchange exchange, URI target) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = upstream.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            answer(exchange, 502, "the sandbox router could not reach " + target + ": " + e.getMessage() + "\n");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer(exchange, 503, "the sandbox router is stopping\n");
            return;
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        byte[] out = response.body();
        exchange.sendResponseHeaders(response.statusCode(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream os = exchange.getResponseBody()) {
                os.write(out);
            }
        }
    }

    private RouteTable table() {
        long now = System.nanoTime();
        RouteTable current = table;
        if (current == null || now - tableRead > REFRESH.toNanos()) {
            List<Ingress> ingresses = client.network().v1().ingresses().inAnyNamespace().list().getItems();
            List<GenericKubernetesResource> routes = client.genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
                    .inAnyNamespace().list().getItems();
            Map<RouteTable.Backend, String> served = new HashMap<>();
            for (Service s : client.services().inAnyNamespace().list().getItems()) {
                String url = s.getMetadata().getAnnotations() == null ? null
                        : s.getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION);
                if (url != null) {
                    served.put(new RouteTable.Backend(s.getMetadata().getNamespace(), s.getMetadata().getName()), url);
                }
            }
            current = new RouteTable(ingresses, routes, dice);
            urls = Map.copyOf(served);
            table = current;
            tableRead = now;
        }
        return current;
    }

    private static String hostOf(String header) {
        if (header == null) {
            return "";
        }
        int colon = header.lastIndexOf(':');
        return (colon > 0 && !header.endsWith("]") ? header.substring(0, colon) : header).toLowerCase(Locale.ROOT);
    }

    private static void answer(HttpExchange exchange, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream os = exchange.getResponseBody()) {
            os.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
