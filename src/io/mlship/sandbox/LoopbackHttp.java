package io.mlship.sandbox;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** An HTTP server of the sandbox's: loopback only, a few daemon workers, one handler for every path. */
public final class LoopbackHttp implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService workers;

    private LoopbackHttp(HttpServer server, ExecutorService workers) {
        this.server = server;
        this.workers = workers;
    }

    /** Serves {@code handler} on 127.0.0.1:{@code port} (0 picks a free one), its threads named {@code name}. */
    public static LoopbackHttp start(int port, String name, HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", handler);
        server.start();
        return new LoopbackHttp(server, workers);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }
}
