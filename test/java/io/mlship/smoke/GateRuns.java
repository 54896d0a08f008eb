package io.mlship.smoke;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.progress.Progress;
import io.mlship.smoke.cases.CasesLoader;
import io.mlship.smoke.golden.GoldenPlan;
import io.mlship.smoke.load.LoadPlan;
import io.mlship.smoke.targets.HttpTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Real gate runs (cases, a load run, thresholds, the golden comparison) against services on loopback, for other packages' tests. */
public final class GateRuns {
    private GateRuns() {
    }

    /** A candidate answering face wash where production answers lipstick: cases and the golden comparison fail. */
    public static GateResult failing(Path scratch) throws Exception {
        return run(scratch, false);
    }

    /** A candidate answering as production does: everything passes. */
    public static GateResult passing(Path scratch) throws Exception {
        return run(scratch, true);
    }

    private static GateResult run(Path scratch, boolean right) throws Exception {
        Path file = Files.createDirectories(scratch).resolve("cases.yaml");
        Files.writeString(file, ReportsTest.CASES);
        ObjectMapper json = new ObjectMapper();
        GatePlan plan = new GatePlan(new CasesLoader().load(file), Duration.ofSeconds(5), new LoadPlan(50, null, 2, 0, true),
                new Thresholds(null, Duration.ofSeconds(2), null, 0.0, null), new GoldenPlan(0, 0, 0, List.of(), List.of()), null);
        try (FakeService candidate = right ? FakeService.right() : FakeService.wrong(); FakeService prod = FakeService.right();
             HttpTarget t = new HttpTarget(candidate.uri(), "/predict", Duration.ofSeconds(5), json);
             HttpTarget b = new HttpTarget(prod.uri(), "/predict", Duration.ofSeconds(5), json)) {
            return new SmokeGate(Progress.silent()).run(plan, t, b);
        }
    }
}
