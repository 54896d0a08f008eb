package io.mlship.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.Problem;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy.secretEnv, deploy.secretVolumes and deploy.rollout.readinessGrace: one test per rule. */
class SecretRefAndGraceValidationTest {
    @TempDir
    Path repo;
    private final SpecLoader loader = new SpecLoader(new ObjectMapper());

    @BeforeEach
    void copyRepo() {
        SpecFixtures.repoIn(repo);
    }

    /** The valid spec with {@code lines} (indented for the deploy section) added to it. */
    private LoadedSpec withDeploy(String lines) {
        String yaml = SpecFixtures.validSpec().replace("deploy:\n", "deploy:\n" + lines);
        return loader.load(SpecFixtures.write(repo, "mlship.yaml", yaml), null);
    }

    private static List<String> errorsAt(LoadedSpec loaded, String path) {
        return loaded.errors().stream().filter(p -> p.path().equals(path)).map(Problem::message).toList();
    }

    private static final String SECRETS = """
              secretEnv:
                QDRANT_API_KEY: {secret: reco-qdrant, key: api-key}
                DB_PASSWORD: {secret: reco-db.credentials, key: .password}
              secretVolumes:
                - {secret: reco-tls-client, path: /var/run/secrets/client}
                - {secret: reco-db.credentials, path: /var/run/secrets/db, items: [ca.crt]}
            """;

    @Test
    void wellFormedReferencesAreValidAndBound() {
        LoadedSpec loaded = withDeploy(SECRETS);

        assertThat(loaded.errors()).isEmpty();
        DeploySpec d = loaded.forEnvironment("staging").deploy();
        assertThat(d.secretEnv()).containsOnlyKeys("QDRANT_API_KEY", "DB_PASSWORD");
        assertThat(d.secretEnv().get("QDRANT_API_KEY")).isEqualTo(new DeploySpec.SecretKeyRef("reco-qdrant", "api-key"));
        assertThat(d.secretVolumes()).extracting(DeploySpec.SecretVolume::path).containsExactly("/var/run/secrets/client", "/var/run/secrets/db");
        assertThat(d.secretVolumes().get(1).items()).containsExactly("ca.crt");
    }

    @Test
    void withoutReferencesNothingIsAdded() {
        DeploySpec d = withDeploy("").forEnvironment("staging").deploy();
        assertThat(d.secretEnv()).isEmpty();
        assertThat(d.secretVolumes()).isEmpty();
    }

    @Test
    void aSecretNameMustBeADns1123Subdomain() {
        LoadedSpec loaded = withDeploy("  secretEnv:\n    API_KEY: {secret: Reco_Qdrant, key: api-key}\n");
        assertThat(errorsAt(loaded, "deploy.secretEnv.API_KEY.secret")).anySatisfy(m -> assertThat(m).contains("'Reco_Qdrant' is not valid"));
    }

    @Test
    void aKeyUsesOnlyTheCharactersKubernetesAllows() {
        LoadedSpec loaded = withDeploy("  secretEnv:\n    API_KEY: {secret: reco-qdrant, key: 'api key'}\n"
                + "    OTHER: {secret: reco-qdrant, key: ..hidden}\n");
        assertThat(errorsAt(loaded, "deploy.secretEnv.API_KEY.key")).anySatisfy(m -> assertThat(m).contains("'api key' is not valid"));
        assertThat(errorsAt(loaded, "deploy.secretEnv.OTHER.key")).anySatisfy(m -> assertThat(m).contains("'..hidden' is not valid"));
    }

    @Test
    void anEnvNameMustBeACIdentifier() {
        LoadedSpec loaded = withDeploy("  secretEnv:\n    2FA-KEY: {secret: reco-qdrant, key: api-key}\n");
        assertThat(loaded.errors()).anySatisfy(p -> {
            assertThat(p.path()).startsWith("deploy.secretEnv");
            assertThat(p.message()).contains("2FA-KEY");
        });
    }

    @Test
    void aReferenceNeedsBothSecretAndKey() {
        LoadedSpec loaded = withDeploy("  secretEnv:\n    API_KEY: {secret: reco-qdrant}\n");
        assertThat(loaded.errors()).anySatisfy(p -> assertThat(p.message()).contains("required key is missing"));
    }

    @Test
    void aVariableMayNotBeBothPlainAndSecret() {
        LoadedSpec loaded = withDeploy("  env:\n    MODEL_DIR: /opt/model\n  secretEnv:\n    MODEL_DIR: {secret: reco-qdrant, key: api-key}\n");
        assertThat(errorsAt(loaded, "deploy.secretEnv.MODEL_DIR")).containsExactly("'MODEL_DIR' is also set in deploy.env");
    }

    @Test
    void aMountPathMustBeAbsolute() {
        LoadedSpec loaded = withDeploy("  secretVolumes:\n    - {secret: reco-db, path: secrets/db}\n");
        assertThat(errorsAt(loaded, "deploy.secretVolumes[0].path")).anySatisfy(m -> assertThat(m).contains("'secrets/db' is not valid"));
    }

    @Test
    void mountPathsMayNotOverlapEachOther() {
        LoadedSpec loaded = withDeploy("  secretVolumes:\n    - {secret: reco-db, path: /var/run/secrets}\n"
                + "    - {secret: reco-qdrant, path: /var/run/secrets/qdrant/}\n");
        assertThat(errorsAt(loaded, "deploy.secretVolumes[1].path"))
                .containsExactly("mount path /var/run/secrets/qdrant overlaps /var/run/secrets (another secret volume)");
    }

    @Test
    void theSameMountPathTwiceIsAnOverlap() {
        LoadedSpec loaded = withDeploy("  secretVolumes:\n    - {secret: reco-db, path: /secrets}\n    - {secret: reco-qdrant, path: /secrets}\n");
        assertThat(errorsAt(loaded, "deploy.secretVolumes[1].path")).hasSize(1);
    }

    @Test
    void aMountMayNotCoverThePodsTmpOrTheApplication() {
        LoadedSpec loaded = withDeploy("  secretVolumes:\n    - {secret: reco-db, path: /tmp/db}\n    - {secret: reco-qdrant, path: /app}\n"
                + "    - {secret: reco-other, path: /}\n");
        assertThat(errorsAt(loaded, "deploy.secretVolumes[0].path")).containsExactly("mount path /tmp/db overlaps /tmp (the pod's writable /tmp)");
        assertThat(errorsAt(loaded, "deploy.secretVolumes[1].path")).containsExactly("mount path /app would hide the image's working directory /app");
        assertThat(errorsAt(loaded, "deploy.secretVolumes[2].path")).containsExactly("a Secret cannot be mounted over the whole file system");
    }

    @Test
    void readinessGraceDefaultsToTheProgressDeadline() {
        DeploySpec.Rollout rollout = withDeploy("").forEnvironment("staging").deploy().rollout();
        assertThat(rollout.readinessGrace()).isNull();
        assertThat(rollout.readinessGraceOrDefault()).isEqualTo(Duration.ofSeconds(rollout.progressDeadlineSeconds()));
    }

    @Test
    void readinessGraceIsADuration() {
        LoadedSpec loaded = withDeploy("  rollout:\n    readinessGrace: 5 minutes\n");
        assertThat(errorsAt(loaded, "deploy.rollout.readinessGrace")).anySatisfy(m -> assertThat(m).contains("'5 minutes' is not valid"));
        assertThat(withDeploy("  rollout:\n    readinessGrace: 7m\n").forEnvironment("staging").deploy().rollout().readinessGraceOrDefault())
                .isEqualTo(Duration.ofMinutes(7));
    }

    @Test
    void readinessGraceMayNotOutlastTheRolloutTimeout() {
        LoadedSpec loaded = withDeploy("  rollout:\n    timeout: 10m\n    readinessGrace: 15m\n");
        assertThat(errorsAt(loaded, "deploy.rollout.readinessGrace"))
                .containsExactly("readinessGrace 15m is longer than the rollout timeout 10m");
    }
}
