package io.mlship.kube.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.LoadedSpec;
import io.mlship.spec.SpecLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rendered manifests checked against schemas others publish: the Kubernetes OpenAPI schemas in the npm package
 * kubernetes-models and cert-manager's CRD schemas in @kubernetes-models/cert-manager (versions pinned in
 * test/resources/deploy/schema-check/package.json), installed under target/ on first run. A missing Node or npm
 * fails the test; it never skips.
 */
class PublishedSchemaTest {
    private static final Path WORK = Path.of("target/manifest-schema-check");
    private static final Path SOURCE = Path.of("test/resources/deploy/schema-check");
    private static final String DIGEST = "sha256:" + "0123456789abcdef".repeat(4);

    @BeforeAll
    static void installValidators() throws Exception {
        require("node", "nodejs");
        require("npm", "npm (Debian package npm, or a nodejs build that bundles it)");
        Files.createDirectories(WORK);
        Path packageJson = WORK.resolve("package.json");
        boolean fresh = !Files.exists(packageJson) || Files.mismatch(packageJson, SOURCE.resolve("package.json")) != -1
                || !Files.isDirectory(WORK.resolve("node_modules/@kubernetes-models/cert-manager"));
        Files.copy(SOURCE.resolve("package.json"), packageJson, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(SOURCE.resolve("validate.mjs"), WORK.resolve("validate.mjs"), StandardCopyOption.REPLACE_EXISTING);
        if (fresh) {
            Result install = run(List.of("npm", "install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"), 300);
            assertThat(install.code()).as("npm install of the schema packages failed:\n" + install.output()).isZero();
        }
    }

    @Test
    void everyRenderedObjectOfTheExampleAndTheTestSpecsIsValid() throws Exception {
        List<String> files = new ArrayList<>();
        files.add(render(Path.of("examples/reco-service/mlship.yaml"), "staging").toString());
        files.add(render(Path.of("examples/reco-service/mlship.yaml"), "prod").toString());
        Path repo = Files.createTempDirectory("mlship-schema");
        io.mlship.spec.SpecFixtures.repoIn(repo);
        Path spec = io.mlship.spec.SpecFixtures.write(repo, "mlship.yaml", Files.readString(Path.of("test/resources/deploy/mlship.yaml")));
        files.add(render(spec, "staging").toString());

        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        files.forEach(f -> command.add(Path.of(f).toAbsolutePath().toString()));
        Result result = run(command, 120);

        assertThat(result.code()).as(result.output()).isZero();
        assertThat(result.output()).contains("27 valid, 0 invalid")
                .contains("valid ", "cert-manager.io/v1 Certificate/reco-service", "autoscaling/v2 HorizontalPodAutoscaler/reco-service",
                        "networking.k8s.io/v1 NetworkPolicy/reco-service", "policy/v1 PodDisruptionBudget/reco-service");
    }

    @Test
    void canaryStepsAndGatewayRoutesAreValid() throws Exception {
        Path repo = Files.createTempDirectory("mlship-schema-canary");
        Path nginx = CanarySpecs.exampleWithCanary(repo.resolve("nginx"), false);
        Path gateway = CanarySpecs.exampleWithCanary(repo.resolve("gateway"), true);

        List<String> command = new ArrayList<>(List.of("node", "validate.mjs"));
        for (Path f : List.of(renderStep(nginx, 10), render(gateway, "staging"), renderStep(gateway, 10))) {
            command.add(f.toAbsolutePath().toString());
        }
        Result result = run(command, 120);

        assertThat(result.code()).as(result.output()).isZero();
        assertThat(result.output()).contains("valid ", "networking.k8s.io/v1 Ingress/reco-service-canary",
                "gateway.networking.k8s.io/v1 HTTPRoute/reco-service", "apps/v1 Deployment/reco-service-canary")
                .doesNotContain("INVALID");
    }

    @Test
    void theValidatorRejectsWhatKubernetesWouldReject() throws Exception {
        Path bad = WORK.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    spec:
                      containers: [{name: server, image: i, ports: [{containerPort: http}]}]
                ---
                apiVersion: cert-manager.io/v1
                kind: Certificate
                metadata: {name: x}
                spec: {dnsNames: [a.example.com]}
                ---
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: x}
                spec:
                  parentRefs: [{name: gw}]
                  rules: [{backendRefs: [{name: svc, port: 80, weight: "ten"}]}]
                """, StandardCharsets.UTF_8);
        Result result = run(List.of("node", "validate.mjs", bad.toAbsolutePath().toString()), 120);
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.output()).contains("containerPort must be integer").contains("must have required property issuerRef")
                .contains("weight must be integer").contains("0 valid, 3 invalid");
    }

    private static Path render(Path specFile, String env) throws IOException {
        LoadedSpec loaded = new SpecLoader(new com.fasterxml.jackson.databind.ObjectMapper()).load(specFile, specFile.toAbsolutePath().getParent());
        List<HasMetadata> objects = new ManifestRenderer().render(EnvironmentView.of(loaded, env),
                PodImage.byDigest("europe-west4-docker.pkg.dev/p/r/reco-service", DIGEST), new ReleaseIdentity("r-0123456789ab", "0123abc"));
        Path out = WORK.resolve(specFile.getParent().getFileName() + "-" + env + ".yaml");
        Files.writeString(out, new ManifestYaml().write(objects, List.of("rendered for the schema check")), StandardCharsets.UTF_8);
        return out;
    }

    private static Path renderStep(Path specFile, int percent) throws IOException {
        LoadedSpec loaded = new SpecLoader(new com.fasterxml.jackson.databind.ObjectMapper()).load(specFile, specFile.toAbsolutePath().getParent());
        assertThat(loaded.errors()).isEmpty();
        EnvironmentView view = EnvironmentView.of(loaded, "staging");
        List<HasMetadata> stable = new ManifestRenderer().render(view, PodImage.byDigest("europe-west4-docker.pkg.dev/p/r/reco-service", DIGEST),
                new ReleaseIdentity("r-0123456789ab", "0123abc"));
        CanaryRenderer canaries = new CanaryRenderer();
        List<HasMetadata> step = new ArrayList<>(canaries.candidate(view, stable));
        step.add(canaries.route(view, percent));
        Path out = WORK.resolve(specFile.getParent().getFileName() + "-canary-" + percent + ".yaml");
        Files.writeString(out, new ManifestYaml().write(step, List.of("a canary step, for the schema check")), StandardCharsets.UTF_8);
        return out;
    }

    private static void require(String tool, String debianPackage) throws Exception {
        Result which = run(List.of("sh", "-c", "command -v " + tool), 10);
        assertThat(which.code()).as("'" + tool + "' is not on PATH: install " + debianPackage + " (bin/setup installs what bin/packages/deploy.txt lists)")
                .isZero();
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> command, int timeoutSeconds) throws Exception {
        Process p = new ProcessBuilder(command).directory(WORK.toFile().exists() ? WORK.toFile() : new java.io.File("."))
                .redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutSeconds + "s");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
