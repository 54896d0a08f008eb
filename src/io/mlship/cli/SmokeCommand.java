package io.mlship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.result.MlshipException;
import io.mlship.smoke.EndpointPredictors;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import io.mlship.smoke.GateStage;
import io.mlship.sandbox.RunningSandbox;
import io.mlship.smoke.tls.GateTls;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.HttpUrl;
import io.mlship.spec.SmokeSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "smoke", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Gate a release by sending smoke cases to the service or endpoint.",
        description = {"Sends the smoke cases to the service or the Vertex AI endpoint, checks every answer, runs "
                + "the load part and the golden comparison, and decides.",
                "",
                "Exit 0 when the gate passed, 1 when it failed (the release flow rolls back), 2 for bad input "
                        + "(nothing was sent), 3 when the service cannot be reached or its certificate cannot be "
                        + "trusted."})
final class SmokeCommand extends SpecCommand {

    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment under test.")
    String env;

    @Option(names = "--target", paramLabel = "URL|vertex",
            description = "Base URL of the service (http:// or https://), or 'vertex' for the environment's Vertex AI "
                    + "endpoint. Default: https://<host of the environment>.")
    String target;

    @Option(names = "--cases", paramLabel = "FILE", description = "Cases file (YAML or JSON Lines). Default: smoke.cases of the spec (smoke.predictionCases with --target vertex, when set).")
    Path cases;

    @Option(names = "--junit", paramLabel = "OUT.xml", description = "JUnit XML for Jenkins' junit step. Default: smoke-junit.xml beside the result.")
    Path junit;

    @Option(names = "--report", paramLabel = "OUT.html", description = "HTML report with the latency histogram. Default: smoke-report.html beside the result.")
    Path report;

    @Option(names = "--baseline", paramLabel = "URL",
            description = "Production service to compare answers with (golden comparison, tolerances from smoke.golden).")
    String baseline;

    @Option(names = "--model-version-id", paramLabel = "ID",
            description = "Vertex AI model version under test: every answer's modelVersionId must be this one. "
                    + "Default with --target vertex: the version in promote.json of the result directory, "
                    + "when mlship promote succeeded there for the same environment.")
    String modelVersionId;

    @Option(names = "--image-digest", paramLabel = "sha256:…",
            description = "The service's image under test (what mlship deploy rolled out): the gate waits until the host "
                    + "answers from it, and an answer naming another image in X-Mlship-Image-Digest fails its case.")
    String imageDigest;

    @Option(names = "--canary", arity = "0..1", fallbackValue = "true",
            description = "With --target vertex and a version under test: the endpoint splits traffic between it and the "
                    + "versions before (a canary), so each case is sent again until the version under test answers it "
                    + "(up to --tries-per-case times); the other versions' answers are counted, not checked.")
    boolean canary;

    @Option(names = "--tries-per-case", paramLabel = "N", defaultValue = "100",
            description = "With --canary: how often a case may be sent before the version under test must have answered. Default: ${DEFAULT-VALUE}.")
    int triesPerCase;

    @Option(names = "--sandbox", paramLabel = "DIR",
            description = "Use the sandbox started with mlship sandbox up --state DIR: with --target vertex its Vertex AI "
                    + "emulator; with an https:// target its ingress, to which every host name then resolves.")
    Path sandbox;

    @Option(names = "--ca-file", paramLabel = "PEM",
            description = "CA certificates (a PEM bundle) trusted for HTTPS targets in addition to the JVM's default "
                    + "trust store, e.g. the internal issuer's ca.crt. Default: smoke.tls.caFile of the environment.")
    Path caFile;

    @Option(names = "--load-after-failed-cases", arity = "0..1", fallbackValue = "true",
            description = "Run the load part even when a case failed (by default the failed case decides and the load "
                    + "run is skipped). Default: smoke.load.afterFailedCases.")
    boolean loadAfterFailedCases;

    @Override
    String name() {
        return "smoke";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        EnvironmentView environment = EnvironmentView.of(specOptions.load(context().specLoader()), env);
        result.put("environment", env);
        SmokeSpec smoke = GateStage.requireSmoke(environment);
        boolean vertex = "vertex".equals(target) || (target == null && !smoke.targets().contains("service"));
        Path casesFile = smoke.casesFile(cases, vertex, specOptions.root());
        result.put("casesFile", casesFile.toString());
        URI baselineUri = HttpUrl.parse(baseline, "--baseline");
        String version = vertex ? versionUnderTest() : modelVersionId;
        if (canary && (!vertex || version == null)) {
            throw MlshipException.badInput("--canary needs --target vertex and a version under test (--model-version-id)",
                    "pass both, or leave --canary out");
        }
        ImageDigest digest = ImageDigest.parse(imageDigest, "--image-digest");
        if (digest != null && vertex) {
            throw MlshipException.badInput("--image-digest is the service's image, and this gate runs against the Vertex AI "
                    + "endpoint", "give --model-version-id for the endpoint, or --target with the service's URL");
        }
        if (triesPerCase < 1 || triesPerCase > 10_000) {
            throw MlshipException.badInput("--tries-per-case " + triesPerCase + " is out of range", "give 1-10000");
        }
        URI service = vertex ? null : serviceUrl(environment);
        GateInput input = new GateInput(environment, vertex, service, casesFile, baselineUri, version,
                canary ? triesPerCase : 1, junit != null ? junit : resultDirectory().resolve("smoke-junit.xml"),
                report != null ? report : resultDirectory().resolve("smoke-report.html"), resultDirectory().resolve("smoke.json"));
        GateTls tls = GateTls.of(smoke.tls(), specOptions.root(), caFile);
        InetAddress hostsAt = null;
        if (sandbox != null && !vertex && "https".equals(service.getScheme())) {
            hostsAt = InetAddress.getByName(new RunningSandbox(sandbox).info().ingressAddress());
            progress().step("every host resolves to the sandbox's ingress, " + hostsAt.getHostAddress());
        }
        input = input.withConnection(new GateInput.Connection(tls, loadAfterFailedCases, hostsAt))
                .withImageDigest(digest);
        GateOutcome outcome = new GateStage(predictors(), context().json(), progress()).run(input);
        result.putAll(outcome.resultFields());
        if (!outcome.succeeded()) {
            throw outcome.failure();
        }
    }

    /** Vertex AI's prediction API, or the emulator of the sandbox given. */
    private EndpointPredictors predictors() {
        return Adapters.choose(sandbox, context().err()).predictors(); // a gate of the service needs no sandbox running
    }

    private URI serviceUrl(EnvironmentView environment) {
        if (target != null) {
            return HttpUrl.parse(target, "--target");
        }
        if (environment.serviceUrl() == null) {
            throw MlshipException.badInput("environment '" + env + "' has no host, so the service URL is unknown",
                    "pass --target http://… (e.g. a port-forward) or set the environment's host");
        }
        return URI.create(environment.serviceUrl());
    }

    /**
     * The version whose answers count: --model-version-id, else the one the last successful mlship promote for this
     * environment recorded in the same result directory (a person running promote, then the gate). A rollback
     * promotes nothing, so it sets no default. Without either, the answers' versions are reported but not checked.
     */
    private String versionUnderTest() throws IOException {
        if (modelVersionId != null) {
            return modelVersionId;
        }
        Path promoted = resultDirectory().resolve("promote.json");
        if (!Files.isRegularFile(promoted)) {
            progress().step("no --model-version-id and no " + promoted
                    + ": the answers' model versions are reported, not checked");
            return null;
        }
        JsonNode r = context().json().readTree(promoted.toFile());
        boolean usable = r.path("exitCode").asInt(-1) == 0 && env.equals(r.path("environment").asText())
                && !"rollback".equals(r.path("action").asText()) && r.hasNonNull("modelVersionId");
        if (!usable) {
            progress().step(promoted + " is not a successful promotion in '" + env
                    + "': the answers' model versions are reported, not checked");
            return null;
        }
        String v = r.get("modelVersionId").asText();
        progress().step("version under test: " + v + " (promoted, from " + promoted + ")");
        return v;
    }
}
