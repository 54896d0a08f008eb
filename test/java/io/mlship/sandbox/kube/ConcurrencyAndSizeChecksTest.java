package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sandbox API refuses what kube-apiserver refuses and optimistic concurrency relies on: a create of an existing
 * name (409 AlreadyExists), an update carrying a stale resourceVersion (409 Conflict), and a ConfigMap whose data is
 * over 1 MiB (422 Invalid). One server for the class.
 */
class ConcurrencyAndSizeChecksTest {
    static SandboxCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = SandboxCluster.start().withNamespace("reco");
        client = cluster.client();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static ConfigMap configMap(String name, String value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace("reco").endMetadata()
                .addToData("v", value).build();
    }

    @Test
    void aSecondCreateOfANameIsAlreadyExists() {
        client.resource(configMap("twice", "1")).create();

        assertThatThrownBy(() -> client.resource(configMap("twice", "2")).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("AlreadyExists");
                    assertThat(e.getStatus().getMessage()).isEqualTo("configmaps \"twice\" already exists");
                });
    }

    @Test
    void anUpdateFromAStaleVersionIsAConflictAndAFreshOneIsStored() {
        ConfigMap first = client.resource(configMap("cas", "1")).create();
        ConfigMap second = client.resource(new ConfigMapBuilder(first).addToData("v", "2").build()).update();

        assertThat(second.getMetadata().getResourceVersion()).isNotEqualTo(first.getMetadata().getResourceVersion());
        assertThatThrownBy(() -> client.resource(new ConfigMapBuilder(first).addToData("v", "3").build()).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(409);
                    assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
                    assertThat(e.getStatus().getMessage()).isEqualTo("Operation cannot be fulfilled on configmaps \"cas\": "
                            + "the object has been modified; please apply your changes to the latest version and try again");
                });
        assertThat(client.configMaps().inNamespace("reco").withName("cas").get().getData()).containsEntry("v", "2");
    }

    @Test
    void aConfigMapOverOneMebibyteIsInvalidOnCreateAndUpdate() {
        String tooBig = "x".repeat(1024 * 1024); // with its key, one byte over
        assertThatThrownBy(() -> client.resource(configMap("big", tooBig)).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getStatus().getReason()).isEqualTo("Invalid");
                    assertThat(e.getStatus().getMessage()).isEqualTo("ConfigMap \"big\" is invalid: []: Too long: "
                            + "must have at most 1048576 bytes");
                });

        ConfigMap fits = client.resource(configMap("big", "x".repeat(1024 * 1024 - 1))).create();
        assertThatThrownBy(() -> client.resource(new ConfigMapBuilder(fits).addToData("w", "y").build()).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
        assertThat(client.configMaps().inNamespace("reco").withName("big").get().getData()).containsOnlyKeys("v");
    }
}
