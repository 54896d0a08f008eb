package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import io.fabric8.mockwebserver.vertx.HttpServerRequestHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.InetAddress;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The sandbox's Kubernetes API server on loopback: fabric8's CRUD store ({@link SandboxDispatcher}) served by
 * fabric8's own request handler (JSON responses, watches over WebSocket as the fabric8 client asks for them),
 * plus watches streamed over plain HTTP, which is how kubectl and other Go clients watch: one JSON event per line
 * on a response that stays open. (fabric8's mock web server answers every watch with a WebSocket upgrade.)
 */
public final class ApiServer implements AutoCloseable {
    /** Requests kept for tests to read ({@link #takeRequest}); older ones are dropped so a long-running sandbox stays small. */
    private static final int KEPT_REQUESTS = 10_000;
    private static final List<String> WEBSOCKET_SUBPROTOCOLS = List.of("v1.channel.k8s.io", "v2.channel.k8s.io",
            "v3.channel.k8s.io", "v4.channel.k8s.io");

    private final Vertx vertx;
    private final HttpServer http;
    private final BlockingDeque<RecordedRequest> requests;

    private ApiServer(Vertx vertx, HttpServer http, BlockingDeque<RecordedRequest> requests) {
        this.vertx = vertx;
        this.http = http;
        this.requests = requests;
    }

    static ApiServer start(List<CustomResourceDefinitionContext> crds) {
        Vertx vertx = Vertx.vertx();
        SandboxDispatcher dispatcher = new SandboxDispatcher(crds);
        BlockingDeque<RecordedRequest> requests = new LinkedBlockingDeque<>();
        HttpServerRequestHandler fabric8 = new HttpServerRequestHandler(vertx) {
            @Override
            protected MockResponse onHttpRequest(RecordedRequest request) {
                while (requests.size() >= KEPT_REQUESTS) {
                    requests.pollFirst();
                }
                requests.add(request);
                return dispatcher.dispatch(request);
            }
        };
        HttpServer http = vertx.createHttpServer(new HttpServerOptions()
                .setHost(InetAddress.getLoopbackAddress().getHostAddress()).setPort(0)
                .setWebSocketSubProtocols(WEBSOCKET_SUBPROTOCOLS).setHandle100ContinueAutomatically(true));
        http.requestHandler(req -> {
            // Every answer carries the server's time, as kube-apiserver's do (clients judge Lease expiry by it).
            req.response().putHeader("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)));
            if (isStreamedWatch(req)) {
                streamWatch(vertx, dispatcher, req);
            } else {
                fabric8.handle(req);
            }
        });
        try {
            http.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("the sandbox Kubernetes API did not start on loopback: " + e.getMessage(), e);
        }
        return new ApiServer(vertx, http, requests);
    }

    /** A watch asked for without a WebSocket upgrade. */
    private static boolean isStreamedWatch(HttpServerRequest req) {
        String watch = req.getParam("watch");
        return req.method() == io.vertx.core.http.HttpMethod.GET && ("true".equals(watch) || "1".equals(watch))
                && !"websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
    }

    /**
     * Registers the watch with the store as if it were a WebSocket and writes each event it sends as one line of
     * a chunked response; ends it after the client's {@code timeoutSeconds}, or when the client goes.
     */
    private static void streamWatch(Vertx vertx, SandboxDispatcher dispatcher, HttpServerRequest req) {
        MockResponse registered = dispatcher.handleWatch(req.uri());
        WebSocketListener listener = registered.getWebSocketListener();
        HttpServerResponse res = req.response().setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-cache, private");
        AtomicBoolean ended = new AtomicBoolean();
        WebSocket lines = new WebSocket() {
            @Override
            public RecordedRequest request() {
                return null;
            }

            @Override
            public boolean send(String text) {
                if (ended.get()) {
                    return false;
                }
                res.write(text + "\n");
                return true;
            }

            @Override
            public boolean send(byte[] bytes) {
                return send(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            }

            @Override
            public boolean close(int code, String reason) {
                if (ended.compareAndSet(false, true)) {
                    vertx.runOnContext(v -> res.end());
                }
                return true;
            }
        };
        // Unregistering waits for the store's event thread to drain: not on the event loop.
        Runnable forget = () -> vertx.executeBlocking(() -> {
            listener.onClosed(lines, 1000, "watch ended");
            return null;
        }, false);
        res.closeHandler(v -> {
            ended.set(true);
            forget.run();
        });
        String timeout = req.getParam("timeoutSeconds");
        if (timeout != null && timeout.matches("\\d{1,6}") && Integer.parseInt(timeout) > 0) {
            vertx.setTimer(TimeUnit.SECONDS.toMillis(Integer.parseInt(timeout)), id -> {
                if (ended.compareAndSet(false, true)) {
                    res.end();
                    forget.run();
                }
            });
        }
        res.writeHead();
        listener.onOpen(lines, registered);
    }

    /** How many received requests are kept to be taken (streamed watches are not among them). */
    public int getRequestCount() {
        return requests.size();
    }

    /** The oldest kept request, waiting up to {@code timeout} for one; null when none came. */
    public RecordedRequest takeRequest(long timeout, TimeUnit unit) throws InterruptedException {
        return requests.pollFirst(timeout, unit);
    }

    int port() {
        return http.actualPort();
    }

    String url() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    @Override
    public void close() {
        CompletableFuture<Void> closed = vertx.close().toCompletionStage().toCompletableFuture();
        try {
            closed.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the in-process Kubernetes API did not stop within 10 s: " + e.getMessage(), e);
        }
    }
}
