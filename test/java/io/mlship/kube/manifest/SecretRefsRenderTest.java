package io.mlship.kube.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.LoadedSpec;
import io.mlship.spec.SpecFixtures;
import io.mlship.spec.SpecLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy.secretEnv and deploy.secretVolumes in the rendered Deployment: references by name only. */
class SecretRefsRenderTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @TempDir
    Path repo;

    private List<HasMetadata> render(String deployLines) {
        SpecFixtures.repoIn(repo);
        String yaml = SpecFixtures.validSpec().replace("deploy:\n", "deploy:\n" + deployLines);
        LoadedSpec loaded = new SpecLoader(new ObjectMapper()).load(SpecFixtures.write(repo, "mlship.yaml", yaml), null);
        assertThat(loaded.errors()).isEmpty();
        return new ManifestRenderer().render(EnvironmentView.of(loaded, "staging"),
                PodImage.byDigest("europe-west4-docker.pkg.dev/p/r/reco-service", DIGEST));
    }

    private static Deployment deployment(List<HasMetadata> objects) {
        return objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
    }

    @Test
    void secretEnvBecomesSecretKeyRefsAndVolumesAreMountedReadOnly() {
        List<HasMetadata> objects = render("""
                  env:
                    LOG_LEVEL: info
                  secretEnv:
                    QDRANT_API_KEY: {secret: reco-qdrant, key: api-key}
                    DB_PASSWORD: {secret: reco-db.credentials, key: password}
                  secretVolumes:
                    - {secret: reco-db.credentials, path: /var/run/secrets/db, items: [ca.crt, tls.key]}
                    - {secret: reco-db.credentials, path: /var/run/secrets/db-all}
                """);

        PodSpec pod = deployment(objects).getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(c.getEnv()).extracting(e -> e.getName()).containsExactly(ManifestRenderer.IMAGE_DIGEST_ENV,
                "QDRANT_API_KEY", "DB_PASSWORD");
        assertThat(c.getEnv().get(0).getValue()).as("the digest the pod runs, for the server to echo").startsWith("sha256:");
        c.getEnv().remove(0);
        assertThat(c.getEnv()).allSatisfy(e -> {
            assertThat(e.getValue()).isNull();
            assertThat(e.getValueFrom().getSecretKeyRef().getOptional()).as("a missing Secret must stop the pod").isNull();
        });
        assertThat(c.getEnv().get(0).getValueFrom().getSecretKeyRef().getName()).isEqualTo("reco-qdrant");
        assertThat(c.getEnv().get(0).getValueFrom().getSecretKeyRef().getKey()).isEqualTo("api-key");
        // Plain env still comes from the ConfigMap.
        assertThat(c.getEnvFrom()).singleElement().satisfies(f -> assertThat(f.getConfigMapRef().getName()).isEqualTo("reco-service-env"));

        assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("tmp", "secret-reco-db-credentials", "secret-reco-db-credentials-2");
        var first = pod.getVolumes().get(1).getSecret();
        assertThat(first.getSecretName()).isEqualTo("reco-db.credentials");
        assertThat(first.getItems()).extracting(i -> i.getKey() + "->" + i.getPath()).containsExactly("ca.crt->ca.crt", "tls.key->tls.key");
        assertThat(pod.getVolumes().get(2).getSecret().getItems()).isNullOrEmpty();
        assertThat(c.getVolumeMounts()).extracting(m -> m.getName() + " " + m.getMountPath() + " " + m.getReadOnly())
                .containsExactly("tmp /tmp null", "secret-reco-db-credentials /var/run/secrets/db true",
                        "secret-reco-db-credentials-2 /var/run/secrets/db-all true");
        // No Secret object is rendered: mlship refers to Secrets, it never writes them.
        assertThat(objects).extracting(HasMetadata::getKind).doesNotContain("Secret");
    }

    @Test
    void aLongSecretNameStillGivesAVolumeNameKubernetesAccepts() {
        String name = "reco." + "a".repeat(70) + ".credentials";
        PodSpec pod = deployment(render("  secretVolumes:\n    - {secret: " + name + ", path: /secrets}\n"))
                .getSpec().getTemplate().getSpec();
        String volume = pod.getVolumes().get(1).getName();
        assertThat(volume).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?").startsWith("secret-reco-aaa");
    }

    @Test
    void withoutReferencesTheDeploymentIsAsBefore() {
        PodSpec pod = deployment(render("")).getSpec().getTemplate().getSpec();
        assertThat(pod.getContainers().get(0).getEnv()).extracting(e -> e.getName())
                .containsExactly(ManifestRenderer.IMAGE_DIGEST_ENV);
        assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("tmp");
        assertThat(new ManifestYaml().write(List.of(deployment(render(""))), List.of())).doesNotContain("secret");
    }
}
