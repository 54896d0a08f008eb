package io.mlship.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.CliRun;
import io.mlship.spec.SpecFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy.secretEnv and deploy.secretVolumes on the sandbox: with the Secrets there the release runs; with one
 * missing, its pods stop as the kubelet stops them and the deploy fails (exit 1) naming the Secret and key.
 * No Secret value ever reaches the console, the result or the plan.
 */
class SecretRefDeployTest {
    static final String GOOD = DeployCommandTest.digest('1');
    static final String NS = "reco";
    static final String VALUE = "qdrant-key-that-must-never-be-printed";

    @TempDir
    Path tmp;
    SandboxDeploys sandbox;
    KubernetesClient admin;
    Path spec;

    @BeforeEach
    void start() throws Exception {
        sandbox = SandboxDeploys.start(tmp, controllers -> controllers.progressDeadline(Duration.ofSeconds(3)));
        admin = sandbox.admin;
        String yaml = SpecFixtures.read(Path.of("test/resources/deploy/mlship.yaml")).replace("  env:\n", """
                  secretEnv:
                    QDRANT_API_KEY: {secret: reco-qdrant, key: api-key}
                  secretVolumes:
                    - {secret: reco-db-client, path: /var/run/secrets/db}
                  env:
                """);
        spec = SpecFixtures.write(sandbox.repo, "mlship.yaml", yaml);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    CliRun deploy() {
        return sandbox.deploy(spec, GOOD);
    }

    void secret(String name, String key, String value) {
        admin.secrets().inNamespace(NS).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .addToData(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))).build()).create();
    }

    Deployment deployment() {
        return admin.apps().deployments().inNamespace(NS).withName("reco-service").get();
    }

    @Test
    void withTheSecretsThereTheReleaseRunsAndNoValueIsShown() throws Exception {
        secret("reco-qdrant", "api-key", VALUE);
        secret("reco-db-client", "tls.crt", "certificate");

        CliRun run = deploy();

        assertThat(run.exitCode()).as(run.err()).isZero();
        var container = deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getEnv()).filteredOn(e -> e.getValueFrom() != null).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("QDRANT_API_KEY");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("reco-qdrant");
        });
        assertThat(container.getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getMountPath()).isEqualTo("/var/run/secrets/db");
            assertThat(m.getReadOnly()).isTrue();
        });
        String encoded = Base64.getEncoder().encodeToString(VALUE.getBytes(StandardCharsets.UTF_8));
        List<String> everythingShown = Stream.concat(Stream.of(run.out(), run.err()), filesUnder(tmp.resolve("out"))).toList();
        assertThat(everythingShown).allSatisfy(text -> assertThat(text).doesNotContain(VALUE).doesNotContain(encoded));
    }

    @Test
    void aMissingSecretFailsTheRolloutNamingIt() {
        secret("reco-db-client", "tls.crt", "certificate");

        CliRun run = deploy();

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.result("deploy").path("errorDetails").path("message").asText())
                .contains("(CreateContainerConfigError): secret \"reco-qdrant\" not found")
                .contains("create the Secret (with that key) in namespace reco")
                .contains("rolled back: the objects this deploy created were removed");
        assertThat(deployment()).isNull();
    }

    @Test
    void aMissingKeyFailsTheRolloutNamingSecretAndKey() {
        secret("reco-qdrant", "apikey", VALUE);
        secret("reco-db-client", "tls.crt", "certificate");

        CliRun run = deploy();

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.result("deploy").path("errorDetails").path("message").asText())
                .contains("couldn't find key api-key in Secret reco/reco-qdrant");
        assertThat(run.err()).doesNotContain(VALUE);
    }

    @Test
    void aMissingVolumeSecretFailsTheRolloutNamingIt() {
        secret("reco-qdrant", "api-key", VALUE);

        CliRun run = deploy();

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.result("deploy").path("errorDetails").path("message").asText())
                .contains("cannot mount a volume (FailedMount): MountVolume.SetUp failed for volume \"secret-reco-db-client\" : "
                        + "secret \"reco-db-client\" not found");
    }

    private static Stream<String> filesUnder(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(f -> {
                try {
                    return Files.readString(f);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList().stream();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
