package io.mlship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.smoke.GatePlan;
import io.mlship.smoke.GatePlanner;
import io.mlship.smoke.GateResult;
import io.mlship.smoke.SmokeGate;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.report.HtmlReport;
import io.mlship.smoke.report.JunitReport;
import io.mlship.smoke.report.ResultFields;
import io.mlship.smoke.targets.HttpTarget;
import io.mlship.smoke.targets.Target;
import io.mlship.smoke.targets.VertexPredictor;
import io.mlship.smoke.targets.VertexPredictorFactory;
import io.mlship.smoke.targets.VertexTarget;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.ReleaseSpec;
import io.mlship.spec.SmokeSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "smoke", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        description = {"Gate a release: send the smoke cases to the service or the Vertex AI endpoint,",
                "check every answer, run the load part and the golden comparison, and decide.",
                "Exit 0 when the gate passed, 1 when it failed (the release flow rolls back),",
                "2 for bad input (nothing was sent)."})
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

    @Option(names = "--canary", arity = "0..1", fallbackValue = "true",
            description = "With --target vertex and a version under test: the endpoint splits traffic between it and the "
                    + "versions before (a canary), so each case is sent again until the version under test answers it "
                    + "(up to --tries-per-case times); the other versions' answers are counted, not checked.")
    boolean canary;

    @Option(names = "--tries-per-case", paramLabel = "N", defaultValue = "100",
            description = "With --canary: how often a case may be sent before the version under test must have answered. Default: ${DEFAULT-VALUE}.")
    int triesPerCase;

    @Option(names = "--sandbox", paramLabel = "DIR",
            description = "With --target vertex: use the Vertex AI emulator of the sandbox started with mlship sandbox up --state DIR.")
    Path sandbox;

    @Override
    String name() {
        return "smoke";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        ReleaseSpec release = specOptions.load(context().specLoader()).forEnvironment(env);
        result.put("environment", env);
        SmokeSpec smoke = release.smoke();
        if (smoke == null) {
            throw MlshipException.badInput(specOptions.spec.getFileName() + " has no smoke section",
                    "add smoke: with cases (and thresholds) to gate releases");
        }
        boolean vertex = "vertex".equals(target) || (target == null && !smoke.targets().contains("service"));
        Path casesFile = casesFile(smoke, vertex);
        List<SmokeCase> loaded = new CasesLoader().load(casesFile);
        result.put("casesFile", casesFile.toString());
        URI baselineUri = baseline == null ? null : httpUrl(baseline, "--baseline");
        String version = vertex ? versionUnderTest() : modelVersionId;
        if (version != null) {
            result.put("modelVersionId", version);
        }
        if (canary && (!vertex || version == null)) {
            throw MlshipException.badInput("--canary needs --target vertex and a version under test (--model-version-id)",
                    "pass both, or leave --canary out");
        }
        if (triesPerCase < 1 || triesPerCase > 10_000) {
            throw MlshipException.badInput("--tries-per-case " + triesPerCase + " is out of range", "give 1-10000");
        }
        GatePlan plan = new GatePlanner().plan(smoke, loaded, vertex, baselineUri != null, version, canary ? triesPerCase : 1);
        EnvironmentSpec environment = release.environments().get(env);
        String predictPath = release.model() == null ? "/predict" : release.model().serving().predictRoute();

        Path junitFile = junit != null ? junit : resultDirectory().resolve("smoke-junit.xml");
        Path reportFile = report != null ? report : resultDirectory().resolve("smoke-report.html");
        GateResult gate;
        try (Target t = vertex ? vertexTarget(release, environment, plan.requestTimeout(), plan)
                : new HttpTarget(serviceUrl(environment), predictPath, plan.requestTimeout(), context().json());
             Target base = baselineUri == null ? null : new HttpTarget(baselineUri, predictPath, plan.requestTimeout(), context().json())) {
            gate = new SmokeGate(context().err()).run(plan, t, base);
        }
        ResultFields.put(gate, result);
        new JunitReport().write(gate, junitFile);
        new HtmlReport().write(gate, "mlship smoke · " + release.service().name() + " · " + env, reportFile);
        result.put("junitFile", junitFile.toString());
        result.put("reportFile", reportFile.toString());
        if (!gate.passed()) {
            throw new MlshipException(ErrorCategory.GATE_FAILED, summary(gate),
                    "failed expectations are in " + resultDirectory().resolve("smoke.json") + ", JUnit XML in " + junitFile
                            + ", the report in " + reportFile);
        }
    }

    private Path casesFile(SmokeSpec smoke, boolean vertex) {
        if (cases != null) {
            return cases;
        }
        if (smoke.casesFor(vertex) == null) {
            throw MlshipException.badInput("no cases: smoke.cases is not set and --cases was not given",
                    "write a cases file (YAML or JSON Lines) and name it in smoke.cases");
        }
        Path root = specOptions.repoRoot != null ? specOptions.repoRoot
                : specOptions.spec.toAbsolutePath().normalize().getParent();
        return root.resolve(smoke.casesFor(vertex)).normalize();
    }

    private URI serviceUrl(EnvironmentSpec environment) {
        if (target != null) {
            return httpUrl(target, "--target");
        }
        if (environment.host() == null) {
            throw MlshipException.badInput("environment '" + env + "' has no host, so the service URL is unknown",
                    "pass --target http://… (e.g. a port-forward) or set the environment's host");
        }
        return URI.create("https://" + environment.host());
    }

    private static URI httpUrl(String text, String option) {
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw MlshipException.badInput(option + " '" + text + "' is not a URL", "e.g. http://127.0.0.1:8080 or vertex");
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw MlshipException.badInput(option + " '" + text + "' is not an http(s) URL",
                    "e.g. http://127.0.0.1:8080" + (option.equals("--target") ? ", or vertex for the Vertex AI endpoint" : ""));
        }
        return uri;
    }

    private Target vertexTarget(ReleaseSpec release, EnvironmentSpec environment, Duration timeout, GatePlan plan) throws Exception {
        if (release.model() == null || environment.endpoint() == null) {
            throw MlshipException.badInput("--target vertex needs a model section and an endpoint in environment '" + env + "'",
                    "add them, or pass the service URL as --target");
        }
        VertexPredictorFactory factory = ServiceLoader.load(VertexPredictorFactory.class).findFirst()
                .orElseThrow(() -> MlshipException.badInput("this mlship has no Vertex AI prediction adapter",
                        "run the gate against the service URL (--target http://…) or use an mlship build with Vertex AI support"));
        String emulator = null;
        if (sandbox != null) {
            emulator = new SandboxStateDir(sandbox).require().vertexGrpc();
        }
        VertexPredictor predictor = factory.open(environment.projects().vertex(), environment.region(),
                environment.endpoint(), emulator, timeout);
        int workers = plan.load() == null ? 1 : plan.load().concurrency();
        return new VertexTarget(predictor, timeout, context().json(), workers);
    }

    /**
     * The version whose answers count: --model-version-id, else the one the last successful mlship promote for this
     * environment recorded in the same result directory (the release flow runs promote, then the gate). A rollback
     * promotes nothing, so it sets no default. Without either, the answers' versions are reported but not checked.
     */
    private String versionUnderTest() throws java.io.IOException {
        if (modelVersionId != null) {
            return modelVersionId;
        }
        Path promoted = resultDirectory().resolve("promote.json");
        if (!Files.isRegularFile(promoted)) {
            context().err().println("[mlship smoke] no --model-version-id and no " + promoted
                    + ": the answers' model versions are reported, not checked");
            return null;
        }
        JsonNode r = context().json().readTree(promoted.toFile());
        boolean usable = r.path("exitCode").asInt(-1) == 0 && env.equals(r.path("environment").asText())
                && !"rollback".equals(r.path("action").asText()) && r.hasNonNull("modelVersionId");
        if (!usable) {
            context().err().println("[mlship smoke] " + promoted + " is not a successful promotion in '" + env
                    + "': the answers' model versions are reported, not checked");
            return null;
        }
        String v = r.get("modelVersionId").asText();
        context().err().println("[mlship smoke] version under test: " + v + " (promoted, from " + promoted + ")");
        return v;
    }

    private static String summary(GateResult g) {
        StringBuilder s = new StringBuilder("smoke gate failed against " + g.target() + ":");
        if (g.failedCases() > 0) {
            s.append(' ').append(g.failedCases()).append(" of ").append(g.cases().size()).append(" cases failed");
            g.cases().stream().filter(c -> !c.passed()).findFirst().ifPresent(c -> s.append(" (first: '")
                    .append(c.smokeCase().name()).append("' ").append(c.mismatches().get(0).path()).append(": expected ")
                    .append(c.mismatches().get(0).expected()).append(", got ").append(c.mismatches().get(0).actual()).append(')'));
        }
        g.thresholds().stream().filter(t -> !t.passed()).forEach(t ->
                s.append("; ").append(t.name()).append(' ').append(t.actual()).append(" (limit ").append(t.limit()).append(')'));
        if (g.golden() != null && !g.golden().passed()) {
            s.append("; ").append(g.golden().differing()).append(" of ").append(g.golden().compared())
                    .append(" answers differ from production");
        }
        return s.toString();
    }
}
