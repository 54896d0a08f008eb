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
        System.setProperty("sun.net.httpserver.nodelay", "true"); // best effort: only if no server started before
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

    /**
     * Nine of ten requests take {@code fastMs}, every tenth {@code slowMs}. Served by {@link OneWrite}, so the
     * measured latency is the injected delay and not a TCP artefact, whatever other tests did to the JDK server.
     */
    static OneWrite slow(long fastMs, long slowMs) throws IOException {
        return new OneWrite((n, m, p, b) -> new Answer(200, LIPSTICKS, n % 10 == 9 ? slowMs : fastMs));
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
            this(false);
        }

        /** With {@code startAnswer}, each request gets its status line, headers and the first byte of a body that never ends. */
        Hanging(boolean startAnswer) throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                        if (startAnswer) {
                            Thread t = new Thread(() -> {
                                try {
                                    if (OneWrite.readHead(new java.io.BufferedInputStream(s.getInputStream())) != null) {
                                        s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"
                                                .getBytes(StandardCharsets.US_ASCII));
                                        s.getOutputStream().flush();
                                    }
                                } catch (IOException e) {
                                    // closed
                                }
                            });
                            t.setDaemon(true);
                            t.start();
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

    /**
     * A keep-alive HTTP/1.1 server on plain sockets that writes each answer in one piece with TCP_NODELAY. The JDK
     * server writes headers and body apart; unless its nodelay property was read in time, every answer on a
     * kept-alive connection then waits ~40 ms for the client's delayed ACK.
     */
    static final class OneWrite implements AutoCloseable {
        private final ServerSocket socket;
        private final ExecutorService pool = Executors.newCachedThreadPool();
        private final AtomicInteger requests = new AtomicInteger();

        OneWrite(Behaviour behaviour) throws IOException {
            socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
            pool.execute(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        pool.execute(() -> serve(s, behaviour));
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            });
        }

        private void serve(Socket s, Behaviour behaviour) {
            try (s) {
                s.setTcpNoDelay(true);
                var in = new java.io.BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    String body = readBody(in, head);
                    String[] first = head.split(" ", 3);
                    Answer a = behaviour.answer(requests.getAndIncrement(), first[0], first[1], body);
                    if (a.delayMillis() > 0) {
                        Thread.sleep(a.delayMillis()); // the injected latency under test
                    }
                    byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
                    String headers = "HTTP/1.1 " + a.status() + " X\r\nContent-Type: application/json\r\nContent-Length: "
                            + bytes.length + "\r\n\r\n";
                    byte[] h = headers.getBytes(StandardCharsets.US_ASCII);
                    byte[] all = java.util.Arrays.copyOf(h, h.length + bytes.length);
                    System.arraycopy(bytes, 0, all, h.length, bytes.length);
                    out.write(all);
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The body that follows {@code head}, as long as its Content-Length says (none: empty). */
        static String readBody(java.io.InputStream in, String head) throws IOException {
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }

        /** The request line and headers, or null when the connection closed between requests. */
        static String readHead(java.io.InputStream in) throws IOException {
            java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        int requests() {
            return requests.get();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            pool.shutdownNow();
        }
    }
}
