package io.mlship.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.sandbox.kube.Behaviour;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.spec.SpecFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every CLI command runs, as the separate process Jenkins starts, with one known fake credential planted wherever
 * credentials come in: environment variables (a registry password, a Google credentials file, a docker config with
 * a basic-auth entry, a kubeconfig holding a bearer token), a git remote URL with user:token, and an Authorization
 * header in smoke cases. Then everything mlship wrote — console, result files, JUnit XML, HTML report, rendered
 * manifests, the image tar, what it stored in the cluster and the Vertex AI emulator — is scanned for the secret,
 * as it is and base64-encoded at every alignment. Failing runs (a crash-looping rollout, a failed gate) are
 * included, because error paths are where credentials usually slip out.
 */
class SecretScanTest {
    static final String SECRET = "s3cr3t-Fake-Token-7f2b9c41e8d6";
    static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    static final String CONTEXT = "ci";
    static final String GOOD = "sha256:" + "1".repeat(64);
    static final String CRASHES = "sha256:" + "c".repeat(64);

    @TempDir
    Path tmp;

    @Test
    void noCommandWritesAPlantedCredentialAnywhere() throws Exception {
        Path inputs = Files.createDirectories(tmp.resolve("inputs"));
        Path out = tmp.resolve("out");
        Path console = Files.createDirectories(tmp.resolve("console"));
        Path repo = tmp.resolve("repo");
        SpecFixtures.copyTree(EXAMPLE, repo);
        git(repo, "init", "-q");
        git(repo, "remote", "add", "origin", "https://ci-bot:" + SECRET + "@git.example.com/ds/reco-service.git");
        Path spec = repo.resolve("mlship.yaml");
        // A shorter load run: the scan is about what is written, not about throughput.
        Files.writeString(spec, Files.readString(spec).replace("requests: 200", "requests: 20").replace("warmup: 20", "warmup: 2"));

        Map<String, String> env = new LinkedHashMap<>();
        env.put("REGISTRY_PASSWORD", SECRET);
        env.put("MLSHIP_REGISTRY_PASSWORD", SECRET);
        env.put("GIT_URL", "https://ci-bot:" + SECRET + "@git.example.com/ds/reco-service.git");
        env.put("GOOGLE_APPLICATION_CREDENTIALS", Files.writeString(inputs.resolve("adc.json"), """
                {"type": "service_account", "project_id": "ds-apps-staging", "private_key_id": "%s",
                 "private_key": "-----BEGIN PRIVATE KEY-----\\n%s\\n-----END PRIVATE KEY-----\\n",
                 "client_email": "ci@ds-apps-staging.iam.gserviceaccount.com", "token_uri": "http://127.0.0.1:9/token"}
                """.formatted(SECRET, SECRET)).toString());
        Path docker = Files.createDirectories(inputs.resolve("docker"));
        String basic = Base64.getEncoder().encodeToString(("ci-bot:" + SECRET).getBytes(StandardCharsets.UTF_8));
        Files.writeString(docker.resolve("config.json"),
                "{\"auths\": {\"europe-west4-docker.pkg.dev\": {\"auth\": \"" + basic + "\"}, \"127.0.0.1\": {\"auth\": \"" + basic + "\"}}}");
        env.put("DOCKER_CONFIG", docker.toString());

        List<String> authorizations = new CopyOnWriteArrayList<>();
        Map<String, Integer> exits = new LinkedHashMap<>();
        try (SandboxCluster cluster = SandboxCluster.start().withNamespace("reco").withNamespace("storefront").withNamespace("data-eng");
             RolloutSimulator ignored = RolloutSimulator.builder(cluster.client(), "reco").behaviour(CRASHES, Behaviour.CRASH_LOOP)
                     .progressDeadline(Duration.ofMillis(300)).build().start()) {
            env.put("KUBECONFIG", kubeconfig(inputs.resolve("kubeconfig"), cluster.url()).toString());
            Runner run = new Runner(env, console);

            exits.put("validate", run.cli("validate", "--spec", spec.toString(), "--result-dir", out.toString()));
            exits.put("render", run.cli("render", "--spec", spec.toString(), "--env", "staging", "--image-digest", GOOD,
                    "--output", out.resolve("manifests.yaml").toString(), "--result-dir", out.toString()));
            // Built into the sandbox's images folder: its Vertex AI emulator serves the model from this image.
            SandboxStateDir state = new SandboxStateDir(tmp.resolve("sandbox"));
            exits.put("build", run.cli("build", "--spec", spec.toString(), "--env", "staging", "--base-image", "scratch",
                    "--tar", state.imagesDir().resolve("image.tar").toString(), "--cache-dir", tmp.resolve("cache").toString(),
                    "--result-dir", out.toString()));
            exits.put("deploy", run.cli("deploy", "--spec", spec.toString(), "--env", "staging", "--context", CONTEXT,
                    "--image-digest", GOOD, "--certificate-timeout", "10s", "--ingress-timeout", "10s", "--result-dir", out.toString()));
            exits.put("deploy (crash-looping, rolled back)", run.cli("deploy", "--spec", spec.toString(), "--env", "staging",
                    "--context", CONTEXT, "--image-digest", CRASHES, "--certificate-timeout", "10s", "--ingress-timeout", "10s",
                    "--result-dir", out.resolve("failed-deploy").toString()));
            dumpCluster(cluster.client(), out.resolve("cluster-state.yaml"));

            SpecFixtures.copyTree(EXAMPLE.resolve("training-output/reco-ranker/v2"),
                    state.storageRoot().resolve("ds-training-output/reco-ranker/v2"));
            try (Sandbox sandbox = Sandbox.start(state)) {
                sandbox.publish();
                exits.put("promote", run.cli("promote", "--spec", spec.toString(), "--env", "staging", "--model-version", "v2",
                        "--image-digest", new ObjectMapper().readTree(out.resolve("build.json").toFile()).path("digest").asText(),
                        "--sandbox", state.dir().toString(), "--result-dir", out.toString()));
                exits.put("smoke vertex", run.cli("smoke", "--spec", spec.toString(), "--env", "staging", "--target", "vertex",
                        "--sandbox", state.dir().toString(), "--cases", EXAMPLE.resolve("smoke/prediction-cases.yaml").toString(),
                        "--result-dir", out.resolve("smoke-vertex").toString()));
            }

            HttpServer service = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            service.createContext("/", exchange -> {
                authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                byte[] body = "{\"items\": []}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            service.start();
            try {
                Path cases = Files.writeString(inputs.resolve("cases.yaml"), """
                        - name: authorised search
                          request:
                            path: /v1/recommendations?q=lipstick
                            headers: {Authorization: "Bearer %s", X-Api-Key: "%s"}
                          expect:
                            json:
                              - {path: $.items, minLength: 1}
                        - name: basic auth
                          request:
                            path: /v1/recommendations?q=soap
                            headers: {Authorization: "Basic %s"}
                          expect: {status: 201}
                        """.formatted(SECRET, SECRET, basic));
                exits.put("smoke http (failing gate)", run.cli("smoke", "--spec", spec.toString(), "--env", "staging",
                        "--target", "http://127.0.0.1:" + service.getAddress().getPort(), "--cases", cases.toString(),
                        "--result-dir", out.resolve("smoke-http").toString()));
            } finally {
                service.stop(0);
            }
            scan(List.of(out, console, state.dir()), out);
        }

        assertThat(exits).as("every command ran as expected (see %s)", console).containsExactly(
                Map.entry("validate", 0), Map.entry("render", 0), Map.entry("build", 0), Map.entry("deploy", 0),
                Map.entry("deploy (crash-looping, rolled back)", 1), Map.entry("promote", 0), Map.entry("smoke vertex", 0),
                Map.entry("smoke http (failing gate)", 1));
        // The secret did reach the places it is meant for…
        assertThat(authorizations).contains("Bearer " + SECRET, "Basic " + basic);
        assertThat(Files.readString(out.resolve("build.json"))).contains("https://git.example.com/ds/reco-service.git");
        assertThat(Files.readString(out.resolve("smoke-http/smoke-report.html"))).contains("authorised search");
        // …and the scan can see one where it is.
        assertThat(leaks(inputs.resolve("docker/config.json"))).isNotEmpty();
    }

    /** Fails naming every file (and what form of the secret) that holds the secret. */
    private void scan(List<Path> roots, Path out) throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path root : roots) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    if (f.startsWith(tmp.resolve("sandbox").resolve("storage"))) {
                        continue; // the seeded training output: our input, not our output
                    }
                    files++;
                    leaks(f).forEach(form -> found.add(tmp.relativize(f) + " holds the secret " + form));
                }
            }
        }
        assertThat(files).as("files written").isGreaterThan(10);
        assertThat(out.resolve("manifests.yaml")).exists();
        assertThat(out.resolve("smoke-http/smoke-junit.xml")).exists();
        assertThat(found).as("secrets written").isEmpty();
    }

    /** The forms of the secret in a file: plain, or inside base64 at any of the three byte alignments. */
    static List<String> leaks(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        List<String> forms = new ArrayList<>();
        if (text.contains(SECRET)) {
            forms.add("in plain text");
        }
        Base64.Encoder b64 = Base64.getEncoder();
        for (int pad = 0; pad < 3; pad++) {
            String encoded = b64.encodeToString(("xx".substring(0, pad) + SECRET).getBytes(StandardCharsets.UTF_8));
            // Drop the characters that depend on what comes before or after the secret.
            String stable = encoded.substring(pad == 0 ? 0 : pad + 1, encoded.length() - 4);
            if (text.contains(stable) || text.contains(stable.replace('+', '-').replace('/', '_'))) {
                forms.add("base64-encoded (alignment " + pad + ")");
            }
        }
        return forms;
    }

    private static Path kubeconfig(Path file, String server) throws IOException {
        return Files.writeString(file, "apiVersion: v1\nkind: Config\n"
                + "clusters:\n- name: sandbox\n  cluster:\n    server: " + server + "\n"
                + "users:\n- name: ci\n  user:\n    token: " + SECRET + "\n"
                + "contexts:\n- name: " + CONTEXT + "\n  context:\n    cluster: sandbox\n    user: ci\n"
                + "current-context: " + CONTEXT + "\n");
    }

    private static void dumpCluster(KubernetesClient client, Path file) throws IOException {
        StringBuilder all = new StringBuilder();
        for (List<? extends HasMetadata> items : List.of(
                client.serviceAccounts().inNamespace("reco").list().getItems(),
                client.configMaps().inNamespace("reco").list().getItems(),
                client.secrets().inNamespace("reco").list().getItems(),
                client.apps().deployments().inNamespace("reco").list().getItems(),
                client.apps().replicaSets().inNamespace("reco").list().getItems(),
                client.services().inNamespace("reco").list().getItems(),
                client.network().v1().ingresses().inNamespace("reco").list().getItems(),
                client.network().v1().networkPolicies().inNamespace("reco").list().getItems(),
                client.v1().events().inNamespace("reco").list().getItems())) {
            items.forEach(o -> all.append(io.fabric8.kubernetes.client.utils.Serialization.asYaml(o)));
        }
        assertThat(all).as("the cluster holds what deploy applied").contains("kind: \"Deployment\"");
        Files.writeString(file, all);
    }

    private static void git(Path repo, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("git %s (package git)", List.of(args)).isTrue();
    }

    /** Runs the CLI as its own JVM (as the Groovy steps do), with the planted environment, keeping its console. */
    private record Runner(Map<String, String> env, Path console) {
        int cli(String... args) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    "io.mlship.cli.Main"));
            command.addAll(List.of(args));
            String name = args[0] + "-" + System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(console.resolve(name + ".out").toFile())
                    .redirectError(console.resolve(name + ".err").toFile());
            pb.environment().putAll(env);
            long start = System.nanoTime();
            try {
                Process p = pb.start();
                if (!p.waitFor(3, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError("mlship " + String.join(" ", args) + " did not finish in 3 minutes");
                }
                System.out.printf("mlship %s: exit %d in %d ms%n", args[0], p.exitValue(), (System.nanoTime() - start) / 1_000_000);
                return p.exitValue();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
