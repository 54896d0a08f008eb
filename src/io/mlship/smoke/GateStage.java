package io.mlship.smoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.cases.SmokeCase;
import io.mlship.smoke.report.HtmlReport;
import io.mlship.smoke.report.JunitReport;
import io.mlship.smoke.targets.HttpTarget;
import io.mlship.smoke.targets.Target;
import io.mlship.smoke.targets.VertexTarget;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.ReleaseSpec;
import io.mlship.spec.SmokeSpec;
import java.time.Duration;
import java.util.List;

/**
 * The gate stage: the smoke cases sent to the service or the Vertex AI endpoint, every answer checked, the load
 * part and the golden comparison run, and a verdict, with JUnit XML and an HTML report written.
 */
public final class GateStage {
    private final EndpointPredictors predictors;
    private final ObjectMapper json;
    private final Progress progress;

    public GateStage(EndpointPredictors predictors, ObjectMapper json, Progress progress) {
        this.predictors = predictors;
        this.json = json;
        this.progress = progress;
    }

    public GateOutcome run(GateInput in) throws Exception {
        EnvironmentView environment = in.environment();
        ReleaseSpec release = environment.spec();
        SmokeSpec smoke = requireSmoke(environment);
        List<SmokeCase> cases = new CasesLoader().load(in.casesFile());
        if (in.goldenSkipped() != null) {
            progress.step("golden: not compared: " + in.goldenSkipped());
        }
        GatePlan plan = new GatePlanner().plan(smoke, cases, in.vertex(), in.baseline() != null, in.modelVersion(),
                in.triesPerCase(), in.goldenSkipped() != null);
        if (in.connection().loadAfterFailedCases() && plan.load() != null) {
            plan = plan.withLoad(plan.load().runningAfterFailedCases());
        }
        if (!in.vertex() && in.imageDigest() != null) {
            plan = plan.withImageDigest(in.imageDigest().value());
        }
        if (!in.vertex() && in.serviceUrl() == null) {
            throw MlshipException.badInput("environment '" + environment.name() + "' has no host, so the service URL is unknown",
                    "pass --target http://… (e.g. a port-forward) or set the environment's host");
        }
        String predictPath = release.model() == null ? "/predict" : release.model().serving().predictRoute();
        GateResult gate;
        try (Target t = in.vertex() ? vertexTarget(environment, plan.requestTimeout(), plan)
                : new HttpTarget(in.serviceUrl(), predictPath, plan.requestTimeout(), json, in.connection().tls(),
                        in.connection().hostsAt(), in.connection().targetHeaders());
             Target base = in.baseline() == null ? null : new HttpTarget(in.baseline(), predictPath, plan.requestTimeout(), json,
                     in.connection().tls(), in.connection().hostsAt(), in.connection().baselineHeaders())) {
            gate = new SmokeGate(progress).run(plan, t, base);
        }
        new JunitReport().write(gate, in.junitFile());
        new HtmlReport().write(gate, "mlship smoke · " + environment.service() + " · " + environment.name(), in.reportFile());
        return new GateOutcome(environment.name(), in.casesFile(), in.modelVersion(), gate, in.junitFile(), in.reportFile(),
                in.resultFile());
    }

    /** The spec's smoke section, or exit 2: without it nothing says what a good answer is. */
    public static SmokeSpec requireSmoke(EnvironmentView environment) {
        SmokeSpec smoke = environment.spec().smoke();
        if (smoke == null) {
            throw MlshipException.badInput("the spec has no smoke section",
                    "add smoke: with cases (and thresholds) to gate releases");
        }
        return smoke;
    }

    private Target vertexTarget(EnvironmentView environment, Duration timeout, GatePlan plan) throws Exception {
        if (environment.spec().model() == null || environment.settings().endpoint() == null) {
            throw MlshipException.badInput("--target vertex needs a model section and an endpoint in environment '"
                    + environment.name() + "'", "add them, or pass the service URL as --target");
        }
        int workers = plan.load() == null ? 1 : plan.load().concurrency();
        return new VertexTarget(predictors.open(environment.projects().vertex(), environment.region(),
                environment.settings().endpoint(), timeout), timeout, json, workers);
    }
}
