package io.mlship.kube.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.mlship.result.MlshipException;
import io.mlship.sandbox.kube.SandboxCluster;
import io.mlship.state.StateObject;
import io.mlship.state.StateStore;
import io.mlship.state.StateStoreContract;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ConfigMap store on the sandbox's API server, one server for the class; each test writes to its own environment. */
class ConfigMapStateStoreTest extends StateStoreContract {
    static final AtomicInteger ENVS = new AtomicInteger();
    static SandboxCluster cluster;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        cluster = SandboxCluster.start().withNamespace("reco");
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(Config.empty())
                .withMasterUrl(cluster.url() + "/").withRequestTimeout(30_000).build()).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        cluster.close();
    }

    @Override
    protected StateStore store() {
        return new ConfigMapStateStore(client, "reco", "reco-service", "env" + ENVS.incrementAndGet());
    }

    @Test
    void eachDocumentIsALabelledConfigMapHoldingItsJson() {
        StateStore s = new ConfigMapStateStore(client, "reco", "reco-service", "staging");
        StateObject written = s.write("deploy", "{\"image\":\"a\"}", null);

        ConfigMap cm = cluster.client().configMaps().inNamespace("reco").withName("mlship-state.reco-service.staging.deploy").get();
        assertThat(cm.getData()).containsExactlyEntriesOf(java.util.Map.of("state.json", "{\"image\":\"a\"}"));
        assertThat(cm.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "mlship")
                .containsEntry("mlship.io/state-of", "reco-service").containsEntry("mlship.io/environment", "staging");
        assertThat(written.version()).isEqualTo(cm.getMetadata().getResourceVersion());
        assertThat(s.where()).isEqualTo("ConfigMaps mlship-state.reco-service.staging.* in namespace reco");
    }

    @Test
    void aDocumentOverTheApiServersLimitIsRefusedNamingItsSize() {
        StateStore s = store();
        String big = "\"" + "x".repeat(1024 * 1024) + "\"";

        assertThatThrownBy(() -> s.write("journal", big, null)).isInstanceOf(MlshipException.class)
                .hasMessageContaining("'journal'").hasMessageContaining((big.length() + "state.json".length()) + " bytes");
        assertThat(s.read("journal")).isEmpty();
    }

    @Test
    void aThousandDocumentsAreReadInOneRequest() throws Exception {
        StateStore s = store();
        for (int i = 0; i < 1000; i++) {
            s.write(String.format("journal-%05d", i), "{\"n\":" + i + "}", null);
        }
        while (cluster.server().takeRequest(0, TimeUnit.MILLISECONDS) != null) {
            // what came before the listing
        }

        List<StateObject> all = s.list("journal-");

        List<RecordedRequest> sent = new ArrayList<>();
        for (RecordedRequest r; (r = cluster.server().takeRequest(0, TimeUnit.MILLISECONDS)) != null; ) {
            sent.add(r);
        }
        assertThat(all).hasSize(1000);
        assertThat(all.get(999).content()).isEqualTo("{\"n\":999}");
        assertThat(sent).extracting(RecordedRequest::getPath).hasSize(1).first().asString()
                .startsWith("/api/v1/namespaces/reco/configmaps?labelSelector=");
    }
}
