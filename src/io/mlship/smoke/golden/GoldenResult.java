package io.mlship.smoke.golden;

import java.util.List;

/** The outcome of a golden comparison. */
public record GoldenResult(String baseline, int compared, int differing, double maxDiffRatio, List<GoldenDiff> differences) {

    public GoldenResult {
        differences = List.copyOf(differences);
    }

    public double diffRatio() {
        return compared == 0 ? 0 : (double) differing / compared;
    }

    public boolean passed() {
        return diffRatio() <= maxDiffRatio;
    }
}
