package io.mlship.kube.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.mlship.progress.Progress;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without a kubeconfig, a pod's service account reaches the agent's own cluster only: the connector uses it when the
 * GKE metadata server says that is the environment's cluster (or when told to), and otherwise refuses naming both.
 */
class AgentClusterTest {
    static final ClusterRef STAGING = new ClusterRef("ds-apps-staging", "europe-west4", "apps-staging", null, null, false);

    @TempDir
    Path tmp;
    HttpServer metadata;
    Path token;
    String agentCluster = "apps-staging";

    @BeforeEach
    void start() throws IOException {
        token = Files.writeString(tmp.resolve("token"), "t");
        metadata = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        metadata.createContext("/computeMetadata/v1/", exchange -> {
            String path = exchange.getRequestURI().getPath().substring("/computeMetadata/v1/".length());
            String answer = !"Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor")) ? null
                    : switch (path) {
                        case "project/project-id" -> "ds-apps-staging";
                        case "instance/attributes/cluster-location" -> "europe-west4";
                        case "instance/attributes/cluster-name" -> agentCluster;
                        default -> null;
                    };
            byte[] body = (answer == null ? "not found" : answer).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer == null ? 404 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        metadata.start();
    }

    @AfterEach
    void stop() {
        try {
            metadata.stop(0);
        } catch (IllegalStateException e) {
            // a test stopped it already
        }
    }

    ClusterConnector connector(String metadataHost) {
        Map<String, String> env = Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1", "HOME", tmp.toString(),
                "GCE_METADATA_HOST", metadataHost);
        return new ClusterConnector(env, Duration.ofSeconds(5), Progress.silent(), token,
                new AgentCluster(env, Duration.ofMillis(500)));
    }

    String metadataHost() {
        return "127.0.0.1:" + metadata.getAddress().getPort();
    }

    @Test
    void theAgentsOwnClusterIsUsedWhenItIsTheEnvironments() {
        assertThat(new AgentCluster(Map.of("GCE_METADATA_HOST", metadataHost()), Duration.ofSeconds(1)).identify())
                .contains(new AgentCluster.Identity("ds-apps-staging", "europe-west4", "apps-staging"));
        assertThat(connector(metadataHost()).config(STAGING)).isNotNull();
    }

    @Test
    void anotherClusterIsRefusedNamingBothAndTheWayOut() {
        agentCluster = "ci-tools";

        assertThatThrownBy(() -> connector(metadataHost()).config(STAGING))
                .isInstanceOf(MlshipException.class)
                .satisfies(e -> assertThat(((MlshipException) e).category()).isEqualTo(ErrorCategory.BAD_INPUT))
                .hasMessageContaining("this agent runs in cluster ci-tools in europe-west4 of project ds-apps-staging")
                .hasMessageContaining("the environment wants cluster apps-staging in europe-west4 of project ds-apps-staging")
                .satisfies(e -> assertThat(((MlshipException) e).hint()).contains("--agent-cluster")
                        .contains("gcloud container clusters get-credentials apps-staging"));

        assertThat(connector(metadataHost()).config(STAGING.withAgentCluster(true))).as("when told to").isNotNull();
    }

    @Test
    void withoutAMetadataServerTheAgentsClusterIsUnknownAndRefused() {
        metadata.stop(0);

        assertThatThrownBy(() -> connector(metadataHost()).config(STAGING))
                .isInstanceOf(MlshipException.class)
                .hasMessageContaining("cannot tell which cluster it runs in");
    }
}
