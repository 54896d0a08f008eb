package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kubectl's server-side apply, server-side dry run and diff against the sandbox API: managed fields per
 * manager, conflicts between managers and {@code --force-conflicts}, fields other managers set surviving an
 * apply, and dry runs that store nothing. One sandbox for the class; each test uses its own objects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubectlServerSideApplyTest {
    static final String NS = "ssa";

    @TempDir
    Path tmp;
    SandboxCluster cluster;
    KubernetesClient client;
    Kubectl kubectl;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        cluster = SandboxCluster.start().withNamespace(NS);
        client = cluster.client();
        kubectl = new Kubectl(cluster.writeKubeconfig(dir.resolve("kubeconfig"), "sandbox"));
    }

    @AfterAll
    void stop() {
        cluster.close();
    }

    @Test
    void applyCreatesUpdatesAndRemovesWhatTheApplierStopsSending() throws Exception {
        Path first = file("cm-a.yaml", configMap("cm-a", "a: \"1\"\n  b: \"2\""));
        assertThat(kubectl.run("apply", "--server-side", "-f", first.toString()).ok()).isEqualTo("configmap/cm-a serverside-applied");
        ConfigMap created = client.configMaps().inNamespace(NS).withName("cm-a").get();
        assertThat(created.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
        assertThat(created.getMetadata().getManagedFields()).singleElement().satisfies(e -> {
            assertThat(e.getManager()).isEqualTo("kubectl");
            assertThat(e.getOperation()).isEqualTo("Apply");
            assertThat(e.getFieldsType()).isEqualTo("FieldsV1");
        });

        Path second = file("cm-a2.yaml", configMap("cm-a", "a: \"1\"\n  c: \"3\""));
        assertThat(kubectl.run("apply", "--server-side", "-f", second.toString()).ok()).isEqualTo("configmap/cm-a serverside-applied");
        ConfigMap updated = client.configMaps().inNamespace(NS).withName("cm-a").get();
        assertThat(updated.getData()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "c", "3"));
        assertThat(updated.getMetadata().getResourceVersion()).isNotEqualTo(created.getMetadata().getResourceVersion());

        String yaml = kubectl.run("get", "configmap", "cm-a", "-n", NS, "-o", "yaml", "--show-managed-fields").ok();
        assertThat(yaml).contains("managedFields:", "manager: kubectl", "operation: Apply", "fieldsType: FieldsV1",
                "f:data:", "f:a: {}", "f:c: {}").doesNotContain("f:b:");
        assertThat(kubectl.run("get", "configmap", "cm-a", "-n", NS, "-o", "yaml").ok()).doesNotContain("managedFields");
    }

    @Test
    void aSecondManagerConflictsUntilItForces() throws Exception {
        kubectl.run("apply", "--server-side", "-f", file("cm-b.yaml", configMap("cm-b", "x: \"1\"\n  shared: \"1\"")).toString()).ok();
        Path theirs = file("cm-b-other.yaml", configMap("cm-b", "x: \"2\"\n  shared: \"1\""));

        Kubectl.Run refused = kubectl.run("apply", "--server-side", "--field-manager=other", "-f", theirs.toString());
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.err()).contains("Apply failed with 1 conflict: conflict with \"kubectl\": .data.x", "--force-conflicts");
        assertThat(client.configMaps().inNamespace(NS).withName("cm-b").get().getData()).containsEntry("x", "1");

        kubectl.run("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", theirs.toString()).ok();
        ConfigMap forced = client.configMaps().inNamespace(NS).withName("cm-b").get();
        assertThat(forced.getData()).containsEntry("x", "2").containsEntry("shared", "1");
        // other took .data.x; both own .data.shared, which they set to the same value.
        assertThat(fields(forced, "other")).contains("\"f:x\"", "\"f:shared\"");
        assertThat(fields(forced, "kubectl")).contains("\"f:shared\"").doesNotContain("\"f:x\"");
    }

    @Test
    void fieldsOtherManagersSetSurviveAnApplyOfAChangedSpec() throws Exception {
        kubectl.run("apply", "--server-side", "-f", file("d1.yaml", deployment("web", "img:1")).toString()).ok();
        kubectl.run("annotate", "deployment/web", "-n", NS, "team.example/owner=search").ok();
        kubectl.run("label", "deployment/web", "-n", NS, "cost-center=42").ok();
        Deployment labelled = client.apps().deployments().inNamespace(NS).withName("web").get();
        assertThat(labelled.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .contains("kubectl", "kubectl-annotate", "kubectl-label");

        kubectl.run("apply", "--server-side", "-f", file("d2.yaml", deployment("web", "img:2")).toString()).ok();
        Deployment after = client.apps().deployments().inNamespace(NS).withName("web").get();
        assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("img:2");
        assertThat(after.getMetadata().getAnnotations()).containsEntry("team.example/owner", "search");
        assertThat(after.getMetadata().getLabels()).containsEntry("cost-center", "42").containsEntry("app", "web");
    }

    @Test
    void serverDryRunAndDiffShowTheChangeAndStoreNothing() throws Exception {
        kubectl.run("apply", "--server-side", "-f", file("dr1.yaml", deployment("dry", "img:1")).toString()).ok();
        Deployment before = client.apps().deployments().inNamespace(NS).withName("dry").get();
        Path changed = file("dr2.yaml", deployment("dry", "img:2"));

        String dry = kubectl.run("apply", "--server-side", "--dry-run=server", "-f", changed.toString(), "-o", "yaml").ok();
        assertThat(dry).contains("image: img:2");
        assertUnchanged(before);

        Kubectl.Run diff = kubectl.run("diff", "-f", changed.toString());
        assertThat(diff.exit()).as(diff.err()).isEqualTo(1); // 1: differences found
        assertThat(diff.out()).contains("-      - image: img:1", "+      - image: img:2");
        assertUnchanged(before);

        Kubectl.Run serverSideDiff = kubectl.run("diff", "--server-side", "-f", changed.toString());
        assertThat(serverSideDiff.exit()).as(serverSideDiff.err()).isEqualTo(1);
        assertThat(serverSideDiff.out()).contains("+      - image: img:2");
        assertUnchanged(before);

        Path fresh = file("dr-new.yaml", deployment("never-stored", "img:1"));
        assertThat(kubectl.run("apply", "--server-side", "--dry-run=server", "-f", fresh.toString()).ok())
                .isEqualTo("deployment.apps/never-stored serverside-applied (server dry run)");
        assertThat(kubectl.run("create", "--dry-run=server", "-f", fresh.toString()).ok()).contains("never-stored created (server dry run)");
        assertThat(client.apps().deployments().inNamespace(NS).withName("never-stored").get()).isNull();
    }

    private void assertUnchanged(Deployment before) {
        Deployment now = client.apps().deployments().inNamespace(NS).withName(before.getMetadata().getName()).get();
        assertThat(now.getMetadata().getResourceVersion()).isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(now.getSpec()).isEqualTo(before.getSpec());
    }

    private static String fields(ConfigMap cm, String manager) {
        return cm.getMetadata().getManagedFields().stream().filter(e -> e.getManager().equals(manager)).findFirst()
                .map(e -> String.valueOf(io.fabric8.kubernetes.client.utils.Serialization.asJson(e.getFieldsV1())))
                .orElse("");
    }

    private static String configMap(String name, String data) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name + "\n  namespace: " + NS + "\ndata:\n  " + data + "\n";
    }

    private static String deployment(String name, String image) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %1$s
                  namespace: %3$s
                  labels:
                    app: %1$s
                spec:
                  replicas: 1
                  selector:
                    matchLabels:
                      app: %1$s
                  template:
                    metadata:
                      labels:
                        app: %1$s
                    spec:
                      containers:
                      - name: server
                        image: %2$s
                        ports:
                        - containerPort: 8080
                """.formatted(name, image, NS);
    }

    private Path file(String name, String content) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }
}
