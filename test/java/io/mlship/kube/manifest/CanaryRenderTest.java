package io.mlship.kube.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.LoadedSpec;
import io.mlship.spec.SpecFixtures;
import io.mlship.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The candidate of a service canary and the routes that give it its share, as rendered (nothing applied). */
class CanaryRenderTest {
    private static final PodImage IMAGE = PodImage.byDigest("europe-west4-docker.pkg.dev/p/r/reco-service", "sha256:" + "ab".repeat(32));

    @TempDir
    Path dir;

    private EnvironmentView view(boolean gateway) throws Exception {
        Path spec = CanarySpecs.exampleWithCanary(dir, gateway);
        LoadedSpec loaded = new SpecLoader(new ObjectMapper()).load(spec, dir);
        assertThat(loaded.errors()).isEmpty();
        return EnvironmentView.of(loaded, "staging");
    }

    private static <T> T only(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).filter(o -> o.getMetadata().getName().equals(name)).map(type::cast)
                .findFirst().orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name + " in " + objects));
    }

    @Test
    void theCandidateRunsWhatStableWouldUnderItsOwnNameAndIsNeverSelectedByStable() throws Exception {
        EnvironmentView view = view(false);
        List<HasMetadata> stable = new ManifestRenderer().render(view, IMAGE);

        List<HasMetadata> candidate = new CanaryRenderer().candidate(view, stable);

        assertThat(candidate).extracting(o -> o.getKind() + "/" + o.getMetadata().getName()).containsExactly(
                "ConfigMap/reco-service-canary-env", "NetworkPolicy/reco-service-canary", "Deployment/reco-service-canary",
                "Service/reco-service-canary");
        Deployment d = only(candidate, Deployment.class, "reco-service-canary");
        Deployment s = only(stable, Deployment.class, "reco-service");
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo(IMAGE.reference());
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsEntry(ReleaseLabels.INSTANCE, "reco-service-canary");
        assertThat(d.getSpec().getSelector().getMatchLabels()).containsEntry(ReleaseLabels.INSTANCE, "reco-service-canary");
        Service stableService = only(stable, Service.class, "reco-service");
        assertThat(podLabels.entrySet().containsAll(stableService.getSpec().getSelector().entrySet()))
                .as("the stable Service does not select the candidate's pods").isFalse();
        assertThat(only(candidate, Service.class, "reco-service-canary").getSpec().getSelector().entrySet())
                .allSatisfy(e -> assertThat(podLabels).containsEntry(e.getKey(), e.getValue()));
        assertThat(podLabels.entrySet()).containsAll(only(candidate, NetworkPolicy.class, "reco-service-canary").getSpec()
                .getPodSelector().getMatchLabels().entrySet());
        assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnvFrom().get(0).getConfigMapRef().getName())
                .isEqualTo("reco-service-canary-env");
        assertThat(only(candidate, ConfigMap.class, "reco-service-canary-env").getData())
                .isEqualTo(only(stable, ConfigMap.class, "reco-service-env").getData());
        assertThat(d.getMetadata().getLabels()).containsEntry(CanaryRenderer.CANARY_OF, "reco-service");
        assertThat(s.getSpec().getSelector().getMatchLabels()).as("stable's objects are untouched by the copy")
                .containsEntry(ReleaseLabels.INSTANCE, "reco-service");
    }

    @Test
    void nginxGetsACanaryIngressWithTheShareAndTheHeader() throws Exception {
        EnvironmentView view = view(false);

        Ingress ingress = (Ingress) new CanaryRenderer().route(view, 10);

        assertThat(ingress.getMetadata().getName()).isEqualTo("reco-service-canary");
        assertThat(ingress.getMetadata().getAnnotations()).containsEntry("nginx.ingress.kubernetes.io/canary", "true")
                .containsEntry("nginx.ingress.kubernetes.io/canary-weight", "10")
                .containsEntry("nginx.ingress.kubernetes.io/canary-by-header", "x-mlship-canary");
        assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("reco.staging.internal.example.com");
        assertThat(ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName())
                .isEqualTo("reco-service-canary");
    }

    @Test
    void aGatewayRouteSendsTheHeaderToTheCandidateAndSplitsTheRestByWeight() throws Exception {
        EnvironmentView view = view(true);
        List<HasMetadata> stable = new ManifestRenderer().render(view, IMAGE);
        assertThat(stable).extracting(HasMetadata::getKind).contains("HTTPRoute").doesNotContain("Ingress", "Certificate");

        GenericKubernetesResource route = (GenericKubernetesResource) new CanaryRenderer().route(view, 10);

        assertThat(route.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(route.getMetadata().getName()).isEqualTo("reco-service");
        Map<String, Object> spec = route.get("spec");
        assertThat(spec.get("parentRefs")).asList().singleElement().asString()
                .contains("name=internal-http", "namespace=gateway-infra");
        assertThat(spec.get("hostnames")).asList().containsExactly("reco.staging.internal.example.com");
        List<Map<String, Object>> rules = route.get("spec", "rules");
        assertThat(rules.get(0).toString()).contains("name=x-mlship-canary", "value=always", "name=reco-service-canary");
        assertThat(rules.get(1).toString()).contains("name=x-mlship-canary", "value=never", "name=reco-service,")
                .doesNotContain("reco-service-canary");
        assertThat(rules.get(2).get("backendRefs").toString()).contains("name=reco-service, port=80, weight=90")
                .contains("name=reco-service-canary, port=80, weight=10");
        GenericKubernetesResource back = (GenericKubernetesResource) new CanaryRenderer().route(view, 0);
        assertThat(back.get("spec", "rules").toString()).doesNotContain("canary");
    }
}
