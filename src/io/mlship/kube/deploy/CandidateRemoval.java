package io.mlship.kube.deploy;

import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A service canary's candidate taken away: its share back to stable, then the objects {@code removed} (none: gone already). */
public record CandidateRemoval(String environment, String namespace, String candidate, List<String> removed)
        implements StageOutcome {

    public CandidateRemoval {
        removed = List.copyOf(removed);
    }

    @Override
    public MlshipException failure() {
        return null; // a removal that fails throws: the candidate may still hold its share, a person must look
    }

    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("environment", environment);
        r.put("action", "removeCandidate");
        r.put("namespace", namespace);
        r.put("candidate", candidate);
        r.put("objectsRemoved", removed);
        return r;
    }
}
