package io.mlship.smoke.targets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mlship.smoke.cases.SmokeRequest;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;
import io.mlship.result.MlshipException;
import io.mlship.smoke.tls.GateTls;
import io.mlship.smoke.tls.TlsContexts;
import io.mlship.smoke.tls.TlsFailures;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.SystemDefaultDnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.TlsSocketStrategy;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

/**
 * A service reached over HTTP(S) at a base URL: its ingress host, a port-forward or a local server.
 *
 * <p>Each request is sent with blocking I/O on the calling worker's thread over a pooled keep-alive connection,
 * so what the gate measures is the service, not hand-offs between threads. Every request is bounded three ways:
 * connecting, each read (a body that stalls), and a hard deadline for the whole exchange (a body that trickles
 * forever) after which the request is aborted (within a twentieth of the timeout, at most 100 ms).
 */
public final class HttpTarget implements Target {
    /** The response header a service may echo its pod's image digest in (mlship puts it in MLSHIP_IMAGE_DIGEST). */
    public static final String IMAGE_DIGEST_HEADER = "X-Mlship-Image-Digest";
    /** Headers the HTTP client sets itself; a case that sets them would send two conflicting values. */
    private static final Set<String> CLIENT_HEADERS = Set.of("connection", "content-length", "expect", "host",
            "transfer-encoding", "upgrade", "keep-alive", "te", "trailer");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** How often requests are checked against their deadline: a twentieth of the timeout, within these bounds. */
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final URI base;
    private final Map<String, String> routeHeaders;
    private final String predictPath;
    private final Duration timeout;
    private final ObjectMapper json;
    private final PoolingHttpClientConnectionManager connections;
    private final CloseableHttpClient client;
    private final ScheduledThreadPoolExecutor deadlines;
    private final Map<Key, Prepared> prepared = new ConcurrentHashMap<>();
    private final Set<InFlight> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, LongAdder> digests = new ConcurrentHashMap<>();

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

    /** A case's request worked out once: requests themselves are single-use (each can be aborted). */
    private record Prepared(String method, URI uri, List<Map.Entry<String, String>> headers, byte[] body,
                            ContentType contentType) {
        HttpUriRequestBase request() {
            HttpUriRequestBase r = new HttpUriRequestBase(method, uri);
            headers.forEach(h -> r.addHeader(h.getKey(), h.getValue()));
            if (body != null) {
                r.setEntity(new ByteArrayEntity(body, contentType));
            }
            return r;
        }
    }

    public HttpTarget(URI base, String predictPath, Duration timeout, ObjectMapper json) {
        this(base, predictPath, timeout, json, GateTls.none(), null);
    }

    /**
     * With {@code tls} files the TLS context is set up now, so a bad file is reported before any request; with
     * {@code hostsAt}, every host name resolves to that address (a sandbox's ingress, as internal DNS would).
     */
    public HttpTarget(URI base, String predictPath, Duration timeout, ObjectMapper json, GateTls tls, InetAddress hostsAt) {
        this(base, predictPath, timeout, json, tls, hostsAt, Map.of());
    }

    /**
     * {@code routeHeaders} go with every request whose case does not set them itself: the header a canary's route
     * matches, so the requests reach the candidate (or stable) whatever the weights say.
     */
    public HttpTarget(URI base, String predictPath, Duration timeout, ObjectMapper json, GateTls tls, InetAddress hostsAt,
                      Map<String, String> routeHeaders) {
        String text = base.toString();
        this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        this.predictPath = predictPath == null ? "/predict" : predictPath;
        this.timeout = timeout;
        this.json = json;
        Timeout bound = Timeout.of(timeout);
        this.connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(new LazyTls(tls))
                .setDnsResolver(hostsAt == null ? SystemDefaultDnsResolver.INSTANCE : new FixedAddress(hostsAt))
                .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(bound).setSocketTimeout(bound).build())
                .setMaxConnTotal(1024)
                .setMaxConnPerRoute(1024)
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(bound)
                        .setResponseTimeout(bound)
                        .setRedirectsEnabled(false)
                        .build())
                // Exactly the request the case describes: no retries, redirects, cookies or compression added.
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .setUserAgent("mlship-smoke")
                .setDefaultHeaders(routeHeaders.entrySet().stream()
                        .map(h -> (Header) new BasicHeader(h.getKey(), h.getValue())).toList())
                .build();
        this.routeHeaders = Map.copyOf(routeHeaders);
        this.deadlines = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mlship-http-deadlines");
            t.setDaemon(true);
            return t;
        });
        // One sweep per tick instead of a timer per request: scheduling and cancelling a timer for each of
        // thousands of requests a second wakes the timer thread whenever one becomes the earliest, a context
        // switch that shows in the gate's tail latency on a small agent. A request is aborted at most one tick
        // after its deadline.
        long tick = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, timeout.toNanos() / 20));
        this.deadlines.scheduleWithFixedDelay(this::abortOverdue, tick, tick, TimeUnit.NANOSECONDS);
    }

    /** A request on its way, with the time it must be answered by. */
    private static final class InFlight {
        final HttpUriRequestBase request;
        final long deadline;
        volatile boolean expired;
        volatile boolean cancelled;

        InFlight(HttpUriRequestBase request, long deadline) {
            this.request = request;
            this.deadline = deadline;
        }
    }

    private void abortOverdue() {
        long now = System.nanoTime();
        for (InFlight f : inFlight) {
            if (now - f.deadline >= 0) {
                f.expired = true;
                f.request.cancel();
            }
        }
    }

    @Override
    public String describe() {
        return routeHeaders.isEmpty() ? base.toString() : base + " (" + routeHeaders.entrySet().stream()
                .map(h -> h.getKey() + ": " + h.getValue()).collect(java.util.stream.Collectors.joining(", ")) + ")";
    }

    @Override
    public Response send(SmokeRequest request) {
        return exchange(request, true);
    }

    @Override
    public Response measure(SmokeRequest request) {
        return exchange(request, false);
    }

    @Override
    public Map<String, Long> imageDigests() {
        Map<String, Long> out = new java.util.TreeMap<>();
        digests.forEach((digest, count) -> out.put(digest, count.sum()));
        return out;
    }

    @Override
    public void cancelInFlight() {
        for (InFlight f : inFlight) {
            f.cancelled = true;
            f.request.cancel();
        }
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        client.close(CloseMode.IMMEDIATE);
    }

    private record Answer(int status, String body, String imageDigest) {
    }

    private Response exchange(SmokeRequest request, boolean keepBody) {
        HttpUriRequestBase http;
        try {
            http = prepared.computeIfAbsent(new Key(request), k -> prepare(k.request())).request();
        } catch (IllegalArgumentException e) {
            return Response.failed("cannot build the request: " + e.getMessage(), 0);
        }
        long start = System.nanoTime();
        InFlight flight = new InFlight(http, start + timeout.toNanos());
        inFlight.add(flight);
        try {
            Answer answer = client.execute(http, r -> new Answer(r.getCode(), r.getEntity() == null ? ""
                    : keepBody ? EntityUtils.toString(r.getEntity(), StandardCharsets.UTF_8) : consume(r.getEntity()),
                    r.getFirstHeader(IMAGE_DIGEST_HEADER) == null ? null : r.getFirstHeader(IMAGE_DIGEST_HEADER).getValue()));
            long nanos = System.nanoTime() - start;
            if (answer.imageDigest() != null) {
                digests.computeIfAbsent(answer.imageDigest(), d -> new LongAdder()).increment();
            }
            return new Response(answer.status(), answer.body(), keepBody ? parse(answer.body()) : null, nanos, null, null,
                    answer.imageDigest());
        } catch (IOException | RuntimeException e) {
            long nanos = System.nanoTime() - start;
            String host = http.getAuthority() == null ? base.getHost() : http.getAuthority().getHostName();
            TlsFailures.check(e, host);
            if (e instanceof java.net.UnknownHostException) {
                // Like an untrusted certificate, the agent's setup: no case can pass, and no answer says anything.
                throw MlshipException.infrastructure("the gate cannot resolve " + host + " (" + e.getMessage() + ")",
                        "check the environment's host in mlship.yaml, and that the agent's DNS resolves internal names", e);
            }
            if (flight.cancelled && !flight.expired) {
                return Response.failed("cancelled: the gate's verdict was already certain", nanos);
            }
            if (Thread.currentThread().isInterrupted() && !flight.expired) {
                return Response.failed("interrupted", nanos);
            }
            if (flight.expired || e instanceof SocketTimeoutException || e instanceof InterruptedIOException
                    || e.getCause() instanceof SocketTimeoutException) {
                return Response.failed("no answer within " + timeout.toMillis() + " ms", nanos);
            }
            String kind = e instanceof ConnectException ? "ConnectException" : e.getClass().getSimpleName();
            return Response.failed(kind + (e.getMessage() == null ? "" : ": " + e.getMessage()), nanos);
        } finally {
            inFlight.remove(flight);
        }
    }

    /**
     * TLS with the JVM's default trust plus the gate's CA bundle, set up on the first HTTPS connection: loading the
     * trust store is a large part of a cold start, and a plain-HTTP target (a port-forward, a local server) never
     * needs it. Given files are read at once, so a bad one is bad input before the first request.
     */
    private static final class LazyTls implements TlsSocketStrategy {
        private final GateTls settings;
        private volatile TlsSocketStrategy tls;

        LazyTls(GateTls settings) {
            this.settings = settings;
            if (!settings.isDefault()) {
                tls = new DefaultClientTlsStrategy(TlsContexts.build(settings));
            }
        }

        @Override
        public SSLSocket upgrade(Socket socket, String target, int port, Object attachment, HttpContext context)
                throws IOException {
            TlsSocketStrategy t = tls;
            if (t == null) {
                synchronized (this) {
                    if (tls == null) {
                        tls = new DefaultClientTlsStrategy(TlsContexts.build(settings));
                    }
                    t = tls;
                }
            }
            return t.upgrade(socket, target, port, attachment, context);
        }
    }

    /** Every name at one address, as curl's --resolve does for a host. */
    private record FixedAddress(InetAddress address) implements DnsResolver {
        @Override
        public InetAddress[] resolve(String host) {
            return new InetAddress[] {address};
        }

        @Override
        public String resolveCanonicalHostname(String host) {
            return host;
        }
    }

    private static String consume(org.apache.hc.core5.http.HttpEntity entity) throws IOException {
        EntityUtils.consume(entity); // read to the end, so the connection can carry the next request
        return "";
    }

    private Prepared prepare(SmokeRequest request) {
        if (request instanceof SmokeRequest.HttpCall call) {
            List<Map.Entry<String, String>> headers = call.headers().entrySet().stream().map(HttpTarget::checked).toList();
            if (call.body() == null) {
                return new Prepared(call.method(), resolve(call.path()), headers, null, null);
            }
            boolean typed = call.headers().keySet().stream().anyMatch(k -> k.equalsIgnoreCase("content-type"));
            // A case's own Content-Type header wins; the entity adds application/json only when there is none.
            return new Prepared(call.method(), resolve(call.path()), headers,
                    write(call.body()).getBytes(StandardCharsets.UTF_8), typed ? null : ContentType.APPLICATION_JSON);
        }
        SmokeRequest.PredictCall predict = (SmokeRequest.PredictCall) request;
        ObjectNode payload = json.createObjectNode();
        payload.set("instances", predict.instances());
        if (predict.parameters() != null) {
            payload.set("parameters", predict.parameters());
        }
        return new Prepared("POST", resolve(predictPath), List.of(), write(payload).getBytes(StandardCharsets.UTF_8),
                ContentType.APPLICATION_JSON);
    }

    private static Map.Entry<String, String> checked(Map.Entry<String, String> header) {
        String name = header.getKey();
        if (!TOKEN.matcher(name).matches()) {
            throw new IllegalArgumentException("header name '" + name + "' is not a valid HTTP token");
        }
        if (CLIENT_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("header '" + name + "' is set by the HTTP client; remove it from the case");
        }
        String value = header.getValue() == null ? "" : header.getValue();
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("the value of header '" + name + "' contains a line break");
        }
        return Map.entry(name, value);
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
