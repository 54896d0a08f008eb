package io.mlship.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A loopback HTTP/1.1 proxy that injects transport faults in front of a real server: it answers chosen requests
 * itself with an error status, drops the connection, holds the answer back, or cuts a streaming (watch) answer part
 * way. Everything else is forwarded byte for byte, one upstream connection per request, so the server under test
 * sees the client's own requests. Rules are matched in order; each fires on the {@code nth} matching request and
 * then {@code times} times in a row. The log records every request and what the proxy did with it.
 */
public final class FaultProxy implements AutoCloseable {
    /** What to do with a request. */
    public enum Action { STATUS, DROP, HANG, CUT_STREAM }

    /** A fault for the requests {@code matches} selects: starting at the nth one, for {@code times} requests. */
    public static final class Rule {
        final String name;
        final Predicate<Request> matches;
        final int nth;
        final int times;
        final Action action;
        final int status;
        final String cutAt;
        private int seen;
        private int fired;

        private Rule(String name, Predicate<Request> matches, int nth, int times, Action action, int status, String cutAt) {
            this.name = name;
            this.matches = matches;
            this.nth = nth;
            this.times = times;
            this.action = action;
            this.status = status;
            this.cutAt = cutAt;
        }

        synchronized boolean fires(Request r) {
            if (!matches.test(r)) {
                return false;
            }
            seen++;
            if (seen >= nth && fired < times) {
                fired++;
                return true;
            }
            return false;
        }

        public synchronized int fired() {
            return fired;
        }
    }

    /** A request as the proxy saw it. */
    public record Request(String method, String target, List<String> headers) {
        public boolean isWrite() {
            return List.of("POST", "PUT", "PATCH", "DELETE").contains(method);
        }

        public String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).findFirst().orElse(null);
        }
    }

    private final ServerSocket server;
    private final String upstreamHost;
    private final int upstreamPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fault-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private FaultProxy(String upstreamHost, int upstreamPort) throws IOException {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(this::acceptLoop);
    }

    public static FaultProxy in(String upstreamHost, int upstreamPort) throws IOException {
        return new FaultProxy(upstreamHost, upstreamPort);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public Rule answer(String name, Predicate<Request> matches, int nth, int times, int status) {
        return add(new Rule(name, matches, nth, times, Action.STATUS, status, null));
    }

    public Rule drop(String name, Predicate<Request> matches, int nth, int times) {
        return add(new Rule(name, matches, nth, times, Action.DROP, 0, null));
    }

    public Rule hang(String name, Predicate<Request> matches, int nth, int times) {
        return add(new Rule(name, matches, nth, times, Action.HANG, 0, null));
    }

    /** Forwards the answer until {@code marker} shows up in it, then cuts the connection before that part. */
    public Rule cutStream(String name, Predicate<Request> matches, int nth, int times, String marker) {
        return add(new Rule(name, matches, nth, times, Action.CUT_STREAM, 0, marker));
    }

    private Rule add(Rule r) {
        rules.add(r);
        return r;
    }

    public List<String> log() {
        return List.copyOf(log);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.submit(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            PushbackInputStream in = new PushbackInputStream(client.getInputStream(), 1);
            OutputStream out = client.getOutputStream();
            int first = in.read();
            if (first < 0) {
                return;
            }
            if (first == 0x16) {
                return; // a TLS handshake: this proxy speaks plain HTTP only, as the local registry does
            }
            in.unread(first);
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    return;
                }
                List<String> lines = new ArrayList<>(List.of(new String(head, StandardCharsets.ISO_8859_1).split("\r\n")));
                String[] start = lines.remove(0).split(" ");
                Request request = new Request(start[0], start[1], lines);
                Rule rule = rules.stream().filter(r -> r.fires(request)).findFirst().orElse(null);
                if (rule != null && rule.action == Action.DROP) {
                    // Part of the body arrives, then the connection is reset: an upload dropped half way.
                    String length = request.header("Content-Length");
                    int part = length == null ? 1024 : Integer.parseInt(length) / 2;
                    in.readNBytes(part);
                    log.add(request.method() + " " + request.target() + " → " + rule.name + " (after " + part + " bytes)");
                    client.setSoLinger(true, 0);
                    return;
                }
                byte[] body = readBody(in, request);
                if (rule == null || rule.action == Action.CUT_STREAM) {
                    log.add(request.method() + " " + request.target() + (rule == null ? "" : " → " + rule.name));
                    if (!forward(request, body, client, rule)) {
                        return;
                    }
                    continue;
                }
                log.add(request.method() + " " + request.target() + " → " + rule.name);
                switch (rule.action) {
                    case STATUS -> {
                        byte[] status = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":" + rule.status
                                + ",\"reason\":\"" + (rule.status == 409 ? "Conflict" : "InternalError") + "\",\"message\":\"injected by the fault proxy: "
                                + rule.name + "\"}").getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 " + rule.status + " Injected\r\nContent-Type: application/json\r\nContent-Length: "
                                + status.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(status);
                        out.flush();
                    }
                    case HANG -> {
                        // Never answers; the client's timeout has to end it. Closed with the proxy.
                        while (in.read() >= 0) {
                            // swallow whatever else arrives
                        }
                        return;
                    }
                    default -> throw new IllegalStateException(rule.action.name());
                }
            }
        } catch (IOException e) {
            // the client or the upstream went away: nothing to do
        } finally {
            open.remove(client);
        }
    }

    /**
     * Sends one request upstream on its own connection and streams the answer back until the upstream closes it.
     * Returns false when the client connection must end (an upgrade, or a cut stream).
     */
    private boolean forward(Request request, byte[] body, Socket client, Rule cut) throws IOException {
        OutputStream out = client.getOutputStream();
        boolean upgrade = request.header("Upgrade") != null;
        try (Socket up = new Socket(upstreamHost, upstreamPort)) {
            open.add(up);
            StringBuilder head = new StringBuilder(request.method() + " " + request.target() + " HTTP/1.1\r\n");
            for (String h : request.headers()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (!upgrade && (lower.startsWith("connection:") || lower.startsWith("keep-alive:"))) {
                    continue;
                }
                head.append(h).append("\r\n");
            }
            if (!upgrade) {
                head.append("Connection: close\r\n");
            }
            head.append("\r\n");
            OutputStream upOut = up.getOutputStream();
            upOut.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            upOut.write(body);
            upOut.flush();
            if (upgrade) {
                InputStream clientIn = client.getInputStream();
                threads.submit(() -> pipe(clientIn, upOut));
            }
            InputStream upIn = up.getInputStream();
            byte[] buffer = new byte[8192];
            long sent = 0;
            boolean closeClient = upgrade;
            int n;
            while ((n = upIn.read(buffer)) >= 0) {
                if (cut != null && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(cut.cutAt)) {
                    log.add("cut " + request.method() + " " + request.target() + " before " + cut.cutAt);
                    return false; // the stream ends mid-way, as when the API server or a proxy drops a watch
                }
                out.write(buffer, 0, n);
                out.flush();
                sent += n;
                if (!closeClient && sent < 2048 && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)
                        .contains("connection: close")) {
                    closeClient = true;
                }
            }
            return !closeClient;
        } finally {
            open.removeIf(Socket::isClosed);
        }
    }

    private static void pipe(InputStream from, OutputStream to) {
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // one side closed
        }
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            state = switch (state) {
                case 0 -> b == '\r' ? 1 : 0;
                case 1 -> b == '\n' ? 2 : b == '\r' ? 1 : 0;
                case 2 -> b == '\r' ? 3 : 0;
                case 3 -> b == '\n' ? 4 : b == '\r' ? 1 : 0;
                default -> 0;
            };
            if (state == 4) {
                byte[] bytes = head.toByteArray();
                return java.util.Arrays.copyOf(bytes, bytes.length - 4);
            }
        }
        return null;
    }

    private static byte[] readBody(InputStream in, Request r) throws IOException {
        String length = r.header("Content-Length");
        if (length != null) {
            return in.readNBytes(Integer.parseInt(length));
        }
        if ("chunked".equalsIgnoreCase(r.header("Transfer-Encoding"))) {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                raw.write((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                raw.write(in.readNBytes(n + 2));
                if (n == 0) {
                    return raw.toByteArray();
                }
            }
        }
        return new byte[0];
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (SocketException e) {
                // already gone
            } catch (IOException e) {
                // closing anyway
            }
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
