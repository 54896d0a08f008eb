package io.mlship.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import io.mlship.smoke.cases.CasesLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Inputs the cases fuzzer found or that test the loader's limits: each is refused as bad input with the file and
 * a line, before anything is sent.
 */
class CasesLoaderLimitsTest {
    private final CasesLoader loader = new CasesLoader();

    private List<Problem> refused(String name, String text) {
        MlshipException e = catchThrowableOfType(MlshipException.class,
                () -> loader.load(name, text.getBytes(StandardCharsets.UTF_8)));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.category()).isEqualTo(ErrorCategory.BAD_INPUT);
        assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
            assertThat(p.file()).isEqualTo(name);
            assertThat(p.line()).isPositive();
        });
        return e.problems();
    }

    @Test
    void aBinaryTaggedValueIsAProblemAtItsLine() {
        // Found by CasesLoaderFuzzTest: the YAML parser hands !!binary over as an embedded object, which used to
        // escape as "cannot read: unexpected VALUE_EMBEDDED_OBJECT" at line 0.
        List<Problem> p = refused("cases.yaml", """
                - name: health
                  request: {method: GET, path: /healthz}
                  expect:
                    status: !!binary AAAA
                """);
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.line()).isEqualTo(4);
            assertThat(x.message()).contains("not supported");
        });
    }

    @Test
    void aSchemaReferenceThatDoesNotResolveIsRefusedWhenLoading() {
        // Found by CasesLoaderFuzzTest: references were resolved only when the first answer was checked, so a
        // broken one threw InvalidSchemaRefException in the middle of the gate.
        List<Problem> p = refused("cases.yaml", """
                - name: health
                  request: {method: GET, path: /healthz}
                  expect:
                    schema: {$ref: "#/nope"}
                """);
        assertThat(p).singleElement().satisfies(x -> {
            assertThat(x.path()).isEqualTo("case 'health'.expect.schema");
            assertThat(x.line()).isEqualTo(4);
        });
    }

    @Test
    void aSchemaReferringToAUrlIsRefusedWithoutFetchingIt() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger fetched = new AtomicInteger();
            Thread accept = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        fetched.incrementAndGet();
                        in.read(new byte[4096]);
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            accept.setDaemon(true);
            accept.start();
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/schema.json";
            for (String schema : List.of("{$ref: \"" + url + "\"}", "{$schema: \"" + url + "\", type: object}")) {
                List<Problem> p = refused("cases.yaml", """
                        - name: health
                          request: {method: GET, path: /healthz}
                          expect:
                            schema: %s
                        """.formatted(schema));
                assertThat(p).singleElement().satisfies(x -> assertThat(x.path()).isEqualTo("case 'health'.expect.schema"));
            }
            assertThat(fetched).hasValue(0);
        }
    }

    @Test
    void deeplyNestedInputIsRefused() {
        String deepJson = "{\"name\": \"x\", \"request\": {\"path\": \"/\", \"body\": " + "[".repeat(5000) + "]".repeat(5000) + "}}";
        assertThat(refused("cases.jsonl", deepJson + "\n")).singleElement()
                .satisfies(x -> assertThat(x.message()).contains("nesting depth"));
        String deepYaml = "- name: x\n  request:\n    path: /\n    body: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
        refused("cases.yaml", deepYaml);
    }

    @Test
    void anOversizedFileIsRefusedBeforeParsing() {
        String big = "# " + "x".repeat(5 * 1024 * 1024) + "\n";
        MlshipException e = catchThrowableOfType(MlshipException.class,
                () -> loader.load("cases.yaml", big.getBytes(StandardCharsets.UTF_8)));
        assertThat(e.category()).isEqualTo(ErrorCategory.BAD_INPUT);
        assertThat(e.getMessage()).contains("larger than 4 MiB");
    }

    @Test
    void aTruncatedFileIsASyntaxProblem() {
        refused("cases.yaml", "- name: x\n  request: {path: /, body: [1, 2");
        refused("cases.jsonl", "{\"name\": \"x\", \"request\": {\"path\": \"/\"");
    }
}
