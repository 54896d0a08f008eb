import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.expect.StatusExpectation;
import io.mlship.smoke.load.LatencySummary;
import io.mlship.smoke.load.LoadPlan;
import io.mlship.smoke.load.LoadResult;
import io.mlship.smoke.load.LoadRunner;
import io.mlship.smoke.targets.HttpTarget;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The gate's own cost: how many requests per second its load runner drives, and what latency it adds, against a
 * local no-op HTTP server. "Added latency" is the gate's measured latency minus that of a minimal raw-socket
 * HTTP/1.1 client hitting the same server at the same concurrency (the floor any client pays).
 *
 * Run: bench/gate/run   (arguments: requests concurrency...; defaults 20000 and 2 4 8)
 */
public class GateBench {
    static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<Integer> levels = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            levels.add(Integer.parseInt(args[i]));
        }
        if (levels.isEmpty()) {
            levels = List.of(2, 4, 8);
        }
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(BODY);
            }
        });
        server.start();
        int port = server.getAddress().getPort();
        java.net.URI uri = java.net.URI.create("http://127.0.0.1:" + port);
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        HttpTarget target = new HttpTarget(uri, "/predict", Duration.ofSeconds(10), new ObjectMapper());
        List<SmokeCase> cases = List.of(new SmokeCase("noop", new SmokeRequest.HttpCall("GET", "/noop", Map.of(), null),
                List.of(new StatusExpectation(200)), 200, "bench", 1));

        String load = java.nio.file.Files.exists(java.nio.file.Path.of("/proc/loadavg"))
                ? java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim() : "unknown";
        System.out.printf(Locale.ROOT, "mlship gate benchmark: %d requests per run against a no-op server on 127.0.0.1, %d cores, %s, load average before: %s%n",
                requests, Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name") + " " + System.getProperty("java.version"), load);
        System.out.println("concurrency | gate req/s | gate p50 / p99 ms | raw req/s | raw p50 / p99 ms | added p50 / p99 ms | CPU µs/req gate / raw | errors");
        // Warm the JIT on both paths before anything is measured.
        new LoadRunner(quiet).run(target, cases, new LoadPlan(5_000, null, 4, 0), Duration.ofSeconds(10));
        raw(port, 5_000, 4);
        for (int c : levels) {
            long cpu0 = cpu();
            LoadResult gate = new LoadRunner(quiet).run(target, cases, new LoadPlan(requests, null, c, 0), Duration.ofSeconds(10));
            double gateCpu = (cpu() - cpu0) / 1000.0 / requests;
            LatencySummary g = LatencySummary.of(gate.histogram());
            long cpu1 = cpu();
            Raw r = raw(port, requests, c);
            double rawCpu = (cpu() - cpu1) / 1000.0 / requests;
            LatencySummary rl = LatencySummary.of(r.histogram);
            System.out.printf(Locale.ROOT, "%11d | %10.0f | %7.3f / %7.3f | %9.0f | %6.3f / %7.3f | %7.3f / %7.3f | %9.0f / %5.0f | %d%n",
                    c, gate.throughput(), g.p50Ms(), g.p99Ms(), r.throughput, rl.p50Ms(), rl.p99Ms(),
                    g.p50Ms() - rl.p50Ms(), g.p99Ms() - rl.p99Ms(), gateCpu, rawCpu, gate.errors());
        }
        server.stop(0);
        System.exit(0);
    }

    /** CPU time of this process in ns (all threads: the server's and the client's). */
    static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    record Raw(Histogram histogram, double throughput) {
    }

    /** The floor: keep-alive HTTP/1.1 over plain sockets, one per worker, nothing else. */
    static Raw raw(int port, int requests, int workers) throws Exception {
        AtomicLong next = new AtomicLong();
        List<Histogram> hs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        byte[] request = ("GET /noop HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long start = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            Histogram h = new Histogram(1, 20_000_000, 3);
            hs.add(h);
            Thread t = new Thread(() -> {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.setTcpNoDelay(true);
                    InputStream in = new BufferedInputStream(s.getInputStream());
                    OutputStream out = s.getOutputStream();
                    while (next.getAndIncrement() < requests) {
                        long t0 = System.nanoTime();
                        out.write(request);
                        out.flush();
                        readResponse(in);
                        h.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - start;
        Histogram all = new Histogram(1, 20_000_000, 3);
        hs.forEach(all::add);
        return new Raw(all, all.getTotalCount() * 1e9 / wall);
    }

    static void readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
    }
}
