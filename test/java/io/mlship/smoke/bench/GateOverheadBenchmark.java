package io.mlship.smoke.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.targets.HttpTarget;
import io.mlship.smoke.targets.Response;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * What the smoke gate's HTTP client costs per request, beside the floor: the same request over a plain keep-alive
 * socket. Both hit one no-op server on loopback (the JDK's {@code com.sun.net.httpserver}, answering {@code {}}).
 *
 * <ul>
 *   <li>Throughput ({@code gate}, {@code raw}): each client alone, from four threads, as a gate at concurrency 4
 *       sends; requests per second.</li>
 *   <li>Latency ({@code latency} group: {@code gateLatency}, {@code rawLatency}): both clients at once, two
 *       threads each (four requests in flight, as at concurrency 4), sampled over the same seconds. On a shared
 *       machine a pause hits both alike instead of whichever happened to run then, so the difference between
 *       their percentiles is what the gate adds, not which of them met the noisier moment.</li>
 * </ul>
 *
 * <p>Run by {@code bench/gate/run} (JMH), which writes the JSON that {@code bench/run} reports.
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GateOverheadBenchmark {
    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    /** The no-op server and the gate's client, shared by the four threads as in a gate's load run. */
    @State(Scope.Benchmark)
    public static class Service {
        HttpServer server;
        ExecutorService pool;
        HttpTarget target;
        SmokeRequest request;
        int port;

        @Setup(Level.Trial)
        public void start() throws IOException {
            System.setProperty("sun.net.httpserver.nodelay", "true"); // one segment per answer, as real servers send
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
            pool = Executors.newFixedThreadPool(16);
            server.setExecutor(pool);
            server.createContext("/", ex -> {
                ex.getRequestBody().readAllBytes();
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, BODY.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(BODY);
                }
            });
            server.start();
            port = server.getAddress().getPort();
            target = new HttpTarget(URI.create("http://127.0.0.1:" + port), "/predict", Duration.ofSeconds(10), new ObjectMapper());
            request = new SmokeRequest.HttpCall("GET", "/noop", Map.of(), null);
        }

        @TearDown(Level.Trial)
        public void stop() {
            target.close();
            server.stop(0);
            pool.shutdownNow();
        }
    }

    /** One kept-alive socket per thread: the least any HTTP/1.1 client can do for the same exchange. */
    @State(Scope.Thread)
    public static class RawConnection {
        Socket socket;
        InputStream in;
        OutputStream out;
        byte[] request;

        @Setup(Level.Trial)
        public void open(Service service) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), service.port);
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            request = ("GET /noop HTTP/1.1\r\nHost: 127.0.0.1:" + service.port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        @TearDown(Level.Trial)
        public void close() throws IOException {
            socket.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Threads(4)
    public int gate(Service service) {
        return gateRequest(service);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @Threads(4)
    public int raw(RawConnection connection) throws IOException {
        return rawRequest(connection);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Group("latency")
    @GroupThreads(2)
    public int gateLatency(Service service) {
        return gateRequest(service);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @Group("latency")
    @GroupThreads(2)
    public int rawLatency(RawConnection connection) throws IOException {
        return rawRequest(connection);
    }

    private static int gateRequest(Service service) {
        Response r = service.target.measure(service.request);
        if (r.status() != 200) {
            throw new IllegalStateException("the no-op server answered " + r.status() + " " + r.transportError());
        }
        return r.status();
    }

    private static int rawRequest(RawConnection connection) throws IOException {
        connection.out.write(connection.request);
        connection.out.flush();
        return readResponse(connection.in);
    }

    /** Reads one response (status line, headers, Content-Length body) and returns its length. */
    static int readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the server closed the connection");
            }
            head.append((char) b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return in.readNBytes(length).length;
    }
}
