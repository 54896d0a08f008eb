package io.mlship.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {
    @TempDir
    Path repo;
    private final SpecLoader loader = new SpecLoader(new ObjectMapper());

    @BeforeEach
    void copyRepo() {
        SpecFixtures.repoIn(repo);
    }

    private LoadedSpec load(String yaml) {
        return loader.load(SpecFixtures.write(repo, "mlship.yaml", yaml), null);
    }

    @Test
    void validSpecBindsToRecordsWithSchemaDefaults() {
        LoadedSpec loaded = load(SpecFixtures.validSpec());

        assertThat(loaded.errors()).isEmpty();
        ReleaseSpec spec = loaded.forEnvironment("staging");
        assertThat(spec.service().name()).isEqualTo("reco-service");
        // Defaults come from the schema, the one place they are written.
        assertThat(spec.deploy().ingress().className()).isEqualTo("nginx-internal");
        assertThat(spec.deploy().ingress().tls().enabled()).isTrue();
        assertThat(spec.deploy().rollout().timeout()).isEqualTo("10m");
        assertThat(spec.deploy().servicePort()).isEqualTo(80);
        assertThat(spec.image().user()).isEqualTo("65532:65532");
        assertThat(spec.image().workdir()).isEqualTo("/app");
        assertThat(spec.model().machineType()).isEqualTo("n1-standard-2");
        assertThat(spec.smoke().requestTimeout()).isEqualTo("10s");
        assertThat(spec.deploy().autoscaling().targetCPUUtilizationPercentage()).isEqualTo(70);
    }

    @Test
    void defaultsDoNotOverrideWhatTheUserWrote() {
        String yaml = SpecFixtures.validSpec().replace("  replicas: 2\n", "  replicas: 2\n  servicePort: 8081\n");
        assertThat(load(yaml).forEnvironment("staging").deploy().servicePort()).isEqualTo(8081);
    }

    @Test
    void absentSectionsStayAbsent() {
        String yaml = SpecFixtures.validSpec().replaceAll("(?s)smoke:\n(  .*?\n)+(?=environments:)", "");
        ReleaseSpec spec = load(yaml).forEnvironment("staging");
        assertThat(spec.smoke()).isNull();
        assertThat(spec.deploys()).isTrue();
    }

    @Test
    void environmentOverridesMergeOverTheTopLevel() {
        String yaml = SpecFixtures.validSpec() + "    overrides:\n      deploy:\n        autoscaling:\n          maxReplicas: 9\n";
        ReleaseSpec spec = load(yaml).forEnvironment("staging");
        assertThat(spec.deploy().autoscaling().maxReplicas()).isEqualTo(9);
        // Maps merge key by key: the top-level minReplicas survives.
        assertThat(spec.deploy().autoscaling().minReplicas()).isEqualTo(2);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String yaml = SpecFixtures.validSpec()
                .replace("  replicas: 2\n", "  replicas: two\n  ingres: {}\n")
                .replace("  id: reco-ranker\n", "  id: 1reco\n")
                .replace("    namespace: reco\n", "    namespace: Reco\n");
        LoadedSpec loaded = load(yaml);

        assertThat(loaded.errors()).extracting(Problem::path)
                .contains("deploy.replicas", "deploy.ingres", "model.id", "environments.staging.namespace");
        assertThat(loaded.errors()).allSatisfy(p -> assertThat(p.line()).isPositive());
        assertThatThrownBy(loaded::requireValid).isInstanceOf(MlshipException.class).hasMessageContaining("4 problems");
    }

    @Test
    void unpinnedBaseIsAWarningNotAnError() {
        String yaml = SpecFixtures.validSpec().replaceAll("base: python:3.11-slim@sha256:[a-f0-9]+", "base: python:3.11-slim");
        LoadedSpec loaded = load(yaml);
        assertThat(loaded.isValid()).isTrue();
        assertThat(loaded.warnings()).singleElement().satisfies(w -> {
            assertThat(w.path()).isEqualTo("image.base");
            assertThat(w.hint()).contains("@sha256:");
        });
    }

    @Test
    void aCanaryAnalysisGetsItsDefaultsAndIsPointlessWithoutAServiceGate() {
        String canary = SpecFixtures.validSpec().replaceFirst("(?m)^deploy:\n",
                "deploy:\n  canary:\n    steps: [10, 50]\n    analysis: {iterations: 3}\n");
        LoadedSpec gated = load(canary);
        assertThat(gated.isValid()).as(String.valueOf(gated.errors())).isTrue();
        DeploySpec.Canary c = gated.forEnvironment("staging").deploy().canary();
        assertThat(c.iterations()).isEqualTo(3);
        assertThat(c.analysis().interval()).as("the schema's default").isEqualTo("1m");
        assertThat(gated.warnings()).extracting(Problem::path).doesNotContain("deploy.canary.analysis");

        LoadedSpec ungated = load(canary.replaceFirst("targets: \\[[^\\]]*\\]", "targets: [vertex]"));
        assertThat(ungated.warnings()).filteredOn(w -> w.path().equals("deploy.canary.analysis")).singleElement()
                .satisfies(w -> assertThat(w.hint()).isEqualTo("add service to smoke.targets"));
    }

    @Test
    void unknownEnvironmentIsABadInputWithSuggestion() {
        LoadedSpec loaded = load(SpecFixtures.validSpec());
        assertThatThrownBy(() -> loaded.forEnvironment("stagin"))
                .isInstanceOf(MlshipException.class)
                .satisfies(e -> assertThat(((MlshipException) e).hint()).contains("did you mean 'staging'?"));
    }

    @Test
    void jsonSpecsLoadLikeYaml() {
        String json = """
                {"apiVersion": "mlship/v1", "service": {"name": "tiny"},
                 "environments": {"dev": {"projects": {}, "region": "europe-west4"}}}
                """;
        LoadedSpec loaded = loader.load(SpecFixtures.write(repo, "spec.json", json), null);
        assertThat(loaded.errors()).isEmpty();
        assertThat(loaded.forEnvironment("dev").service().name()).isEqualTo("tiny");
    }

    @Test
    void oversizedSpecIsRefusedBeforeParsing() {
        String huge = "# " + "x".repeat(SpecParser.MAX_BYTES) + "\n" + SpecFixtures.validSpec();
        assertThatThrownBy(() -> load(huge))
                .isInstanceOf(MlshipException.class)
                .satisfies(e -> assertThat(((MlshipException) e).problems().get(0).message()).contains("at most"));
    }

    @Test
    void exampleProjectSpecIsValid() {
        Path example = Path.of("examples/reco-service/mlship.yaml");
        LoadedSpec loaded = loader.load(example, null);
        assertThat(loaded.errors()).as("problems: %s", loaded.problems()).isEmpty();
        assertThat(loaded.environments()).containsKeys("staging", "prod");
        ReleaseSpec prod = loaded.forEnvironment("prod");
        assertThat(prod.deploy().autoscaling().minReplicas()).isEqualTo(3);
        assertThat(prod.deploy().serviceAccount().gcpServiceAccount()).contains("ds-apps-prod");
    }
}
