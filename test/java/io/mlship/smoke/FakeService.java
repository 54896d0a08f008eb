package io.mlship.smoke;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Local stand-ins for the service under test, on 127.0.0.1 and a free port: one that answers right, one that
 * answers wrong, slow (with known delays), flaky (every n-th request fails), and one that accepts connections
 * and never answers.
 */
final class FakeService implements AutoCloseable {

    /** What the n-th request (counting from 0) gets. */
    interface Behaviour {
        Answer answer(int n, String method, String path, String body);
    }

    record Answer(int status, String body, long delayMillis) {
    }

    static final String LIPSTICKS = items("lipstick", "P0013", "P0033", "P0023");
    static final String FACE_WASH = items("face wash", "P0018", "P0084", "P0038");

    static {
        // The JDK server writes headers and body apart; with Nagle's algorithm on, each answer would wait ~40 ms
        // for the client's delayed ACK, hiding the delays the tests inject. Read once, when the server first starts.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService pool;
    private final AtomicInteger requests = new AtomicInteger();

    private FakeService(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        pool = Executors.newFixedThreadPool(32);
        server.setExecutor(pool);
        server.createContext("/", ex -> handle(ex, behaviour));
        server.start();
    }

    static FakeService start(Behaviour behaviour) throws IOException {
        return new FakeService(behaviour);
    }

    static FakeService right() throws IOException {
        return start((n, m, p, b) -> new Answer(200, LIPSTICKS, 0));
    }

    static FakeService wrong() throws IOException {
        return start((n, m, p, b) -> new Answer(200, FACE_WASH, 0));
    }

    /** Nine of ten requests take {@code fastMs}, every tenth {@code slowMs}. */
    static FakeService slow(long fastMs, long slowMs) throws IOException {
        return start((n, m, p, b) -> new Answer(200, LIPSTICKS, n % 10 == 9 ? slowMs : fastMs));
    }

    /** Every {@code every}-th request gets a 503. */
    static FakeService flaky(int every) throws IOException {
        return start((n, m, p, b) -> n % every == every - 1 ? new Answer(503, "{\"error\":\"overloaded\"}", 0)
                : new Answer(200, LIPSTICKS, 0));
    }

    private void handle(HttpExchange ex, Behaviour behaviour) throws IOException {
        int n = requests.getAndIncrement();
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Answer a = behaviour.answer(n, ex.getRequestMethod(), ex.getRequestURI().toString(), body);
        if (a.delayMillis() > 0) {
            try {
                Thread.sleep(a.delayMillis()); // the injected latency under test, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(a.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    static String items(String category, String... ids) {
        StringBuilder s = new StringBuilder("{\"query\":\"lipstick\",\"items\":[");
        for (int i = 0; i < ids.length; i++) {
            s.append(i == 0 ? "" : ",").append("{\"id\":\"").append(ids[i]).append("\",\"title\":\"").append(category)
                    .append(' ').append(i).append("\",\"category\":\"").append(category).append("\",\"score\":")
                    .append(0.9 - i * 0.1).append('}');
        }
        return s.append("],\"model\":{\"name\":\"reco-ranker\",\"version\":\"v2\"}}").toString();
    }

    /** Accepts connections and never reads or answers: the target that hangs. */
    static final class Hanging implements AutoCloseable {
        private final ServerSocket socket;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        Hanging() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            }, "hanging-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        int connections() {
            synchronized (accepted) {
                return accepted.size();
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
