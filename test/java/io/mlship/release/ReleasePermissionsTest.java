package io.mlship.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.mlship.cli.CliRun;
import io.mlship.kube.lock.LeaseLock;
import io.mlship.kube.lock.ReleaseLock;
import io.mlship.progress.Progress;
import io.mlship.sandbox.Sandbox;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/PERMISSIONS.md grants what a whole release uses: every (verb, resource) mlship asked the sandbox's API
 * server for, read from its request log, is in the Role the document shows (parsed from it, so the two cannot
 * drift), and every Vertex AI method the emulator received maps to a permission the document's custom role holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleasePermissionsTest {
    static final Path DOC = Path.of("docs/PERMISSIONS.md");
    /** mlship reaches the sandbox with its kubeconfig's token; the sandbox's own controllers use none. */
    static final String MLSHIP_TOKEN = "Bearer sandbox";

    Path tmp;
    Path state;
    Sandbox sandbox;
    Path repo;
    Path kubeconfig;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        repo = tmp.resolve("reco-service");
        SpecFixtures.copyTree(Path.of("examples/reco-service"), repo);
        ReleaseSandboxTest.deleteTree(repo.resolve(".mlship"));
        state = tmp.resolve("sandbox");
        SandboxStateDir stateDir = new SandboxStateDir(state);
        SpecFixtures.copyTree(repo.resolve("training-output/reco-ranker/v1"),
                stateDir.storageRoot().resolve("ds-training-output/reco-ranker/v1"));
        sandbox = Sandbox.start(stateDir);
        sandbox.publish();
        // On GKE the namespace exists before mlship comes; only the sandbox would create it.
        sandbox.cluster().withNamespace("reco");
        kubeconfig = sandbox.cluster().writeKubeconfig(tmp.resolve("kubeconfig"), "sandbox");
    }

    @AfterAll
    void stop() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    CliRun run(String name, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--result-dir", repo.resolve(".mlship/" + name).toString()));
        return CliRun.of(repo.resolve(".mlship/" + name), all.toArray(String[]::new));
    }

    /** What mlship asked of the Kubernetes API since the last call. */
    static final KubeAccess LEASE_WATCH = new KubeAccess("coordination.k8s.io", "leases", "watch");

    Set<KubeAccess> kubeRequests() throws InterruptedException {
        Set<KubeAccess> used = new LinkedHashSet<>();
        for (RecordedRequest r; (r = sandbox.cluster().server().takeRequest(0, TimeUnit.MILLISECONDS)) != null; ) {
            if (MLSHIP_TOKEN.equals(r.getHeader("Authorization"))) {
                KubeAccess access = KubeAccess.of(r.getMethod(), r.getPath());
                if (access != null) {
                    used.add(access);
                }
            }
        }
        return used;
    }

    @Test
    void aWholeReleaseThenADryRunAndARollbackUseOnlyWhatTheDocumentGrants() throws Exception {
        kubeRequests();
        sandbox.vertex().calls().reset();
        String spec = repo.resolve("mlship.yaml").toString();

        // Another release holds the lock at first, so the wait for it (a watch) is among what is used.
        Set<KubeAccess> used = new LinkedHashSet<>();
        ConsoleWatch console = new ConsoleWatch();
        CompletableFuture<CliRun> release;
        try (ReleaseLock.Held other = new LeaseLock(sandbox.cluster().client(), "reco", "reco-service", "staging",
                "https://ci.example.com/job/other/", Duration.ofSeconds(60), Progress.silent(), Clock.systemUTC())
                .acquire(Duration.ofSeconds(10))) {
            release = CompletableFuture.supplyAsync(() -> CliRun.of(repo.resolve(".mlship/release"), System.getenv(), console,
                    "release", "--spec", spec, "--env", "staging", "--sandbox", state.toString(), "--ca-file", sandbox.info().caFile(), "--model-version", "v1",
                    "--git-sha", "0123456789abcdef", "--build-url", "https://ci.example.com/job/reco/1/",
                    "--result-dir", repo.resolve(".mlship/release").toString()));
            console.await("waiting for the release lock", Duration.ofSeconds(60));
            // Let go only once the release watches the lease: freed earlier, its wait ends at the list before the watch.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!used.contains(LEASE_WATCH) && System.nanoTime() < deadline) {
                used.addAll(kubeRequests());
                Thread.sleep(10);
            }
        }
        CliRun released = release.get(3, TimeUnit.MINUTES);
        assertThat(released.exitCode()).as(released.err()).isZero();
        CliRun dryRun = run("dry-run", "deploy", "--spec", spec, "--env", "staging", "--kubeconfig", kubeconfig.toString(),
                "--context", "sandbox", "--dry-run");
        assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
        CliRun rollback = run("rollback", "deploy", "--spec", spec, "--env", "staging", "--kubeconfig", kubeconfig.toString(),
                "--context", "sandbox", "--rollback");
        assertThat(rollback.exitCode()).as(rollback.err()).isZero();

        used.addAll(kubeRequests());
        assertThat(used).as("what mlship asked the API server for").contains(
                new KubeAccess("coordination.k8s.io", "leases", "create"), LEASE_WATCH,
                new KubeAccess("apps", "deployments", "patch"), new KubeAccess("apps", "deployments", "delete"));
        assertThat(documentedRole()).as("granted by the Role in " + DOC).containsAll(used);

        Set<String> permissions = new TreeSet<>();
        for (String method : sandbox.vertex().calls().snapshot().keySet()) {
            String permission = VERTEX_PERMISSIONS.get(method.substring(method.lastIndexOf('.') + 1));
            assertThat(permission).as("the IAM permission of " + method + " (add it to VERTEX_PERMISSIONS)").isNotNull();
            permissions.add(permission);
        }
        assertThat(documentedCustomRole()).as("the custom role in " + DOC).containsAll(permissions);
    }

    /**
     * Each Vertex AI method a release may call and the permission it needs, as each method's API reference names
     * it under "IAM Permissions" (long-running operations are read with the operations' own permission).
     */
    static final Map<String, String> VERTEX_PERMISSIONS = Map.ofEntries(
            Map.entry("ModelService/UploadModel", "aiplatform.models.upload"),
            Map.entry("ModelService/GetModel", "aiplatform.models.get"),
            Map.entry("ModelService/ListModels", "aiplatform.models.list"),
            Map.entry("ModelService/ListModelVersions", "aiplatform.models.list"),
            Map.entry("ModelService/MergeVersionAliases", "aiplatform.models.update"),
            Map.entry("ModelService/UpdateModel", "aiplatform.models.update"),
            Map.entry("EndpointService/CreateEndpoint", "aiplatform.endpoints.create"),
            Map.entry("EndpointService/GetEndpoint", "aiplatform.endpoints.get"),
            Map.entry("EndpointService/ListEndpoints", "aiplatform.endpoints.list"),
            Map.entry("EndpointService/UpdateEndpoint", "aiplatform.endpoints.update"),
            Map.entry("EndpointService/DeployModel", "aiplatform.endpoints.deploy"),
            Map.entry("EndpointService/UndeployModel", "aiplatform.endpoints.undeploy"),
            Map.entry("EndpointService/MutateDeployedModel", "aiplatform.endpoints.update"),
            Map.entry("PredictionService/Predict", "aiplatform.endpoints.predict"),
            Map.entry("Operations/GetOperation", "aiplatform.operations.get"),
            Map.entry("Operations/WaitOperation", "aiplatform.operations.get"),
            Map.entry("Operations/ListOperations", "aiplatform.operations.list"));

    /** The includedPermissions of the custom role (a gcloud role file) docs/PERMISSIONS.md shows. */
    static Set<String> documentedCustomRole() throws Exception {
        Set<String> permissions = new TreeSet<>();
        for (JsonNode doc : yamlBlocks()) {
            doc.path("includedPermissions").forEach(p -> permissions.add(p.asText()));
        }
        assertThat(permissions).as("a custom role in " + DOC).isNotEmpty();
        return permissions;
    }

    /** Every (group, resource, verb) the Role in docs/PERMISSIONS.md grants. */
    static Set<KubeAccess> documentedRole() throws Exception {
        Set<KubeAccess> granted = new LinkedHashSet<>();
        for (JsonNode doc : yamlBlocks()) {
            if (!doc.path("kind").asText().equals("Role")) {
                continue;
            }
            for (JsonNode rule : doc.path("rules")) {
                for (JsonNode group : rule.path("apiGroups")) {
                    for (JsonNode resource : rule.path("resources")) {
                        for (JsonNode verb : rule.path("verbs")) {
                            granted.add(new KubeAccess(group.asText(), resource.asText(), verb.asText()));
                        }
                    }
                }
            }
        }
        assertThat(granted).as("a Role in " + DOC).isNotEmpty();
        return granted;
    }

    /** Every YAML document of every yaml block in docs/PERMISSIONS.md. */
    static List<JsonNode> yamlBlocks() throws Exception {
        Matcher yaml = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(DOC));
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        List<JsonNode> docs = new ArrayList<>();
        while (yaml.find()) {
            try (MappingIterator<JsonNode> each = mapper.readerFor(JsonNode.class).readValues(yaml.group(1))) {
                docs.addAll(each.readAll());
            }
        }
        return docs;
    }
}
