package io.mlship.smoke;

import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import io.mlship.smoke.report.ResultFields;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A gate's verdict with what it saw, and where its JUnit XML and HTML report are; a failed gate is a failure. */
public record GateOutcome(String environment, Path casesFile, String modelVersion, GateResult result, Path junitFile,
                          Path reportFile, Path resultFile) implements StageOutcome {

    @Override
    public MlshipException failure() {
        if (result.passed()) {
            return null;
        }
        return new MlshipException(ErrorCategory.GATE_FAILED, summary(), "failed expectations are in " + resultFile
                + ", JUnit XML in " + junitFile + ", the report in " + reportFile);
    }

    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("environment", environment);
        r.put("casesFile", casesFile.toString());
        if (modelVersion != null) {
            r.put("modelVersionId", modelVersion);
        }
        ResultFields.put(result, r);
        r.put("junitFile", junitFile.toString());
        r.put("reportFile", reportFile.toString());
        return r;
    }

    /** One line: how many cases failed (and the first one's first mismatch), the thresholds and golden differences. */
    public String summary() {
        GateResult g = result;
        StringBuilder s = new StringBuilder("smoke gate failed against " + g.target() + ":");
        if (g.failedCases() > 0) {
            s.append(' ').append(g.failedCases()).append(" of ").append(g.cases().size()).append(" cases failed");
            g.cases().stream().filter(CaseResult::failed).findFirst().ifPresent(c -> s.append(" (first: '")
                    .append(c.smokeCase().name()).append("' ").append(c.mismatches().get(0).path()).append(": expected ")
                    .append(c.mismatches().get(0).expected()).append(", got ").append(c.mismatches().get(0).actual()).append(')'));
        }
        if (g.casesNotSent() > 0) {
            s.append("; ").append(g.casesNotSent()).append(" not sent (the target hangs)");
        }
        if (g.load() != null && g.load().stoppedEarly() != null) {
            s.append("; load run stopped early after ").append(g.load().requests()).append(" of ")
                    .append(g.load().planned()).append(" requests: ").append(g.load().stoppedEarly());
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
