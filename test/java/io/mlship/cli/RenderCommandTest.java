package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.spec.SpecFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RenderCommandTest {
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @TempDir
    Path tmp;

    private CliRun render(String specText, String... extra) {
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        Path spec = SpecFixtures.write(repo, "mlship.yaml", specText);
        String[] base = {"render", "--spec", spec.toString(), "--env", "staging", "--result-dir", tmp.resolve("out").toString()};
        String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.Arrays.stream(extra)).toArray(String[]::new);
        return CliRun.of(tmp.resolve("out"), args);
    }

    @Test
    void rendersObjectsThatParseBackAsKubernetesObjects() throws Exception {
        CliRun run = render(SpecFixtures.validSpec(), "--image-digest", DIGEST, "--output", tmp.resolve("m.yaml").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<HasMetadata> objects = parse(run.out());
        assertThat(objects).extracting(HasMetadata::getKind).containsExactly("ServiceAccount", "NetworkPolicy", "Deployment",
                "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Certificate", "Ingress");
        assertThat(objects).allSatisfy(o -> {
            assertThat(o.getMetadata().getNamespace()).isEqualTo("reco");
            assertThat(o.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "mlship");
        });
        Deployment deployment = (Deployment) objects.get(2);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage())
                .isEqualTo("europe-west4-docker.pkg.dev/ds-artifacts/ds-images/reco-service@" + DIGEST);
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(deployment.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        // The autoscaler owns the replica count, so a release must not reset it.
        assertThat(deployment.getSpec().getReplicas()).isNull();
        assertThat(Files.readString(tmp.resolve("m.yaml"))).isEqualTo(run.out());
        assertThat(run.result("render").path("objects")).hasSize(8);
        assertThat(run.result("render").path("image").asText()).endsWith(DIGEST);
    }

    @Test
    void canaryPrintsOneStepTheCandidateAndItsRouteOnly() throws Exception {
        String withCanary = SpecFixtures.validSpec().replaceFirst("(?m)^deploy:\n", "deploy:\n  canary:\n    steps: [10, 50]\n");

        CliRun run = render(withCanary, "--image-digest", DIGEST, "--canary", "10");
        CliRun without = render(SpecFixtures.validSpec(), "--canary", "10");
        CliRun all = render(withCanary, "--canary", "100");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(parse(run.out())).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "NetworkPolicy/reco-service-canary", "Deployment/reco-service-canary", "Service/reco-service-canary",
                "Ingress/reco-service-canary");
        assertThat(run.out()).contains("nginx.ingress.kubernetes.io/canary-weight: \"10\"", "# canary step");
        assertThat(without.exitCode()).isEqualTo(2);
        assertThat(without.err()).contains("--canary renders a step of deploy.canary, and the spec has none");
        assertThat(all.exitCode()).isEqualTo(2);
        assertThat(all.err()).contains("give 1-99");
    }

    @Test
    void withoutDigestTheOutputSaysItIsAPreview() {
        CliRun run = render(SpecFixtures.validSpec());
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("# preview: image by tag").contains("reco-service:preview");
        // Without --output the manifest lands beside the result file, where the Jenkins step looks for it.
        Path manifest = Path.of(run.result("render").path("manifestFile").asText());
        assertThat(manifest).isEqualTo(tmp.resolve("out/manifest.yaml"));
        assertThat(manifest).hasContent(run.out().strip());
    }

    @Test
    void badDigestIsRejectedBeforeRendering() {
        CliRun run = render(SpecFixtures.validSpec(), "--image-digest", "latest");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.result("render").path("errorDetails").path("message").asText()).contains("--image-digest");
    }

    @Test
    void envIsRequired() {
        Path repo = SpecFixtures.repoIn(tmp.resolve("repo"));
        Path spec = SpecFixtures.write(repo, "mlship.yaml", SpecFixtures.validSpec());
        CliRun run = CliRun.of(tmp, "render", "--spec", spec.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--env");
    }

    private static List<HasMetadata> parse(String yaml) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<HasMetadata> out = new java.util.ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            String body = doc.lines().filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
            if (!body.isBlank()) {
                out.add(serialization.unmarshal(body));
            }
        }
        return out;
    }
}
