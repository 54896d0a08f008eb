package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.smoke.cases.SmokeRequest;
import io.mlship.smoke.targets.HttpTarget;
import io.mlship.smoke.targets.Response;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gate's HTTP client on its own: exactly the request a case describes, and every exchange bounded. */
class HttpTargetTest {
    private final ObjectMapper json = new ObjectMapper();

    /** Answers every request with {@code {}} and keeps each request head it read. */
    private static final class Recorder implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final List<String> heads = new CopyOnWriteArrayList<>();
        final List<String> bodies = new CopyOnWriteArrayList<>();
        final List<Integer> ports = new CopyOnWriteArrayList<>();

        Recorder() throws IOException {
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = socket.accept();
                        ports.add(s.getPort());
                        Thread c = new Thread(() -> serve(s));
                        c.setDaemon(true);
                        c.start();
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            });
            t.setDaemon(true);
            t.start();
        }

        private void serve(Socket s) {
            try (s) {
                var in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    String head = FakeService.OneWrite.readHead(in);
                    if (head == null) {
                        return;
                    }
                    heads.add(head);
                    bodies.add(FakeService.OneWrite.readBody(in, head));
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void sendsTheCaseAsWrittenOverOneKeptAliveConnection() throws Exception {
        try (Recorder server = new Recorder();
             HttpTarget target = new HttpTarget(server.uri(), "/v1/predict", Duration.ofSeconds(5), json)) {
            SmokeRequest typed = new SmokeRequest.HttpCall("PUT", "/items/1",
                    Map.of("Content-Type", "application/vnd.reco+json", "X-Team", "reco"), json.readTree("{\"a\":1}"));
            SmokeRequest plain = new SmokeRequest.HttpCall("POST", "items", Map.of(), json.readTree("[1,2]"));
            SmokeRequest predict = new SmokeRequest.PredictCall((com.fasterxml.jackson.databind.node.ArrayNode) json.readTree("[{\"q\":\"lipstick\"}]"), null);

            for (SmokeRequest r : List.of(typed, plain, predict)) {
                Response answer = target.send(r);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.json()).isEqualTo(json.createObjectNode());
            }
            assertThat(target.measure(plain).status()).isEqualTo(200);

            assertThat(server.heads.get(0)).startsWith("PUT /items/1 HTTP/1.1\r\n")
                    .containsIgnoringCase("\r\nContent-Type: application/vnd.reco+json\r\n")
                    .contains("\r\nX-Team: reco\r\n")
                    .doesNotContainIgnoringCase("application/json")
                    .doesNotContainIgnoringCase("Accept-Encoding");
            assertThat(server.bodies.get(0)).isEqualTo("{\"a\":1}");
            assertThat(server.heads.get(1)).startsWith("POST /items HTTP/1.1\r\n")
                    .containsIgnoringCase("\r\nContent-Type: application/json");
            assertThat(server.heads.get(2)).startsWith("POST /v1/predict HTTP/1.1\r\n");
            assertThat(server.bodies.get(2)).isEqualTo("{\"instances\":[{\"q\":\"lipstick\"}]}");
            // Requests one after the other reuse the connection: the gate measures the service, not TCP set-up.
            assertThat(server.ports).hasSize(1);
        }
    }

    @Test
    void aHostNoDnsKnowsIsTheAgentsSetupNotAFailedCase() {
        try (HttpTarget target = new HttpTarget(URI.create("https://reco.staging.invalid"), null, Duration.ofSeconds(5), json)) {
            assertThatThrownBy(() -> target.send(new SmokeRequest.HttpCall("GET", "/healthz", Map.of(), null)))
                    .isInstanceOfSatisfying(io.mlship.result.MlshipException.class, e -> {
                        assertThat(e.category()).isEqualTo(io.mlship.result.ErrorCategory.INFRASTRUCTURE);
                        assertThat(e.getMessage()).startsWith("the gate cannot resolve reco.staging.invalid");
                        assertThat(e.hint()).contains("the environment's host");
                    });
        }
    }

    @Test
    void routeHeadersGoWithEveryRequestUnlessTheCaseSetsItsOwn() throws Exception {
        try (Recorder server = new Recorder();
             HttpTarget target = new HttpTarget(server.uri(), "/v1/predict", Duration.ofSeconds(5), json,
                     io.mlship.smoke.tls.GateTls.none(), null, Map.of("x-mlship-canary", "always"))) {
            target.send(new SmokeRequest.HttpCall("GET", "/healthz", Map.of(), null));
            target.send(new SmokeRequest.HttpCall("GET", "/healthz", Map.of("X-Mlship-Canary", "never"), null));

            assertThat(server.heads.get(0)).contains("\r\nx-mlship-canary: always\r\n");
            // A case that names the header itself (to reach stable on purpose) is sent as written, once.
            assertThat(server.heads.get(1)).contains("\r\nX-Mlship-Canary: never\r\n").doesNotContain("always");
            assertThat(target.describe()).contains("x-mlship-canary: always");
        }
    }

    @Test
    @Timeout(20)
    void aBodyThatTricklesForeverIsCutOffAtTheWholeExchangeDeadline() throws Exception {
        // Each byte arrives well within the read timeout, so only the deadline on the whole exchange ends it.
        try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                try (Socket s = socket.accept()) {
                    FakeService.OneWrite.readHead(new BufferedInputStream(s.getInputStream()));
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 1000; i++) {
                        out.write(' ');
                        out.flush();
                        Thread.sleep(50);
                    }
                } catch (IOException | InterruptedException e) {
                    // the client hung up: expected
                }
            });
            server.setDaemon(true);
            server.start();
            try (HttpTarget target = new HttpTarget(URI.create("http://127.0.0.1:" + socket.getLocalPort()), null,
                    Duration.ofMillis(400), json)) {
                Response r = target.send(new SmokeRequest.HttpCall("GET", "/", Map.of(), null));

                assertThat(r.answered()).isFalse();
                assertThat(r.transportError()).isEqualTo("no answer within 400 ms");
                assertThat(r.latencyNanos() / 1_000_000).isBetween(390L, 3_000L);
            }
        }
    }

    @Test
    @Timeout(20)
    void anHttpsTargetSpeaksTls() throws Exception {
        // TLS is set up only on the first HTTPS connection; this checks that an https URL does get it: the server
        // (plain TCP) must receive a TLS handshake record (content type 22), not an HTTP request line.
        try (ServerSocket socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            var first = new java.util.concurrent.CompletableFuture<Integer>();
            Thread server = new Thread(() -> {
                try (Socket s = socket.accept()) {
                    first.complete(s.getInputStream().read());
                } catch (IOException e) {
                    first.completeExceptionally(e);
                }
            });
            server.setDaemon(true);
            server.start();
            try (HttpTarget target = new HttpTarget(URI.create("https://127.0.0.1:" + socket.getLocalPort()), null,
                    Duration.ofSeconds(5), json)) {
                Response r = target.send(new SmokeRequest.HttpCall("GET", "/", Map.of(), null));

                assertThat(first.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(22);
                assertThat(r.answered()).isFalse();
            }
        }
    }

    @Test
    void headersTheClientOwnsOrThatCouldSplitTheRequestAreRefusedBeforeSending() throws Exception {
        try (Recorder server = new Recorder();
             HttpTarget target = new HttpTarget(server.uri(), null, Duration.ofSeconds(5), json)) {
            Response host = target.send(new SmokeRequest.HttpCall("GET", "/", Map.of("Host", "evil.example"), null));
            Response split = target.send(new SmokeRequest.HttpCall("GET", "/", Map.of("X-A", "1\r\nX-B: 2"), null));
            Response name = target.send(new SmokeRequest.HttpCall("GET", "/", Map.of("X A", "1"), null));

            assertThat(host.transportError()).isEqualTo(
                    "cannot build the request: header 'Host' is set by the HTTP client; remove it from the case");
            assertThat(split.transportError()).isEqualTo("cannot build the request: the value of header 'X-A' contains a line break");
            assertThat(name.transportError()).isEqualTo("cannot build the request: header name 'X A' is not a valid HTTP token");
            assertThat(server.heads).isEmpty();
        }
    }
}
