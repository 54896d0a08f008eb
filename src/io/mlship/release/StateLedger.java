package io.mlship.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.state.GateVerdict;
import io.mlship.state.GateVerdicts;
import io.mlship.state.Journal;
import io.mlship.state.JournalEntry;
import io.mlship.state.Serving;
import io.mlship.state.StateStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ledger over an environment's release state: a release that passed its gates leaves a verdict (what a later
 * environment's {@code promoteFrom} may take), and every release that changed something leaves a journal line
 * with all that serves after it.
 *
 * @param modelVersion the model version label the release promoted (the training run's folder), or null
 */
public record StateLedger(StateStore store, ObjectMapper json, Clock clock, String modelVersion) implements ReleaseLedger {

    @Override
    public void finished(ReleaseRecord r) {
        boolean released = r.released();
        boolean changed = r.deployed() != null && r.deployed().changes() != null && r.deployed().changes() > 0
                || r.model() != null;
        if (released && r.gates() != null && !r.gates().isEmpty()) {
            new GateVerdicts(store, json).record(new GateVerdict(r.releaseId(), r.finishedAt(), r.imageDigest(),
                    modelVersion, r.model() == null ? null : r.model().modelVersionId(), r.buildUrl(), r.gitSha()));
        }
        if (!changed && released) {
            return; // the same release again: nothing serves differently
        }
        String kind = released ? "release" : "rolled-back";
        new Journal(store, json, clock).appendAfter(before -> JournalEntry.of(kind, serving(r, before))
                .stamped(java.time.Instant.parse(r.finishedAt()))
                .by(r.releaseId(), r.buildUrl(), r.approvedBy() != null ? r.approvedBy() : Who.of(r.buildUrl()))
                .because(reason(r), r.gated() == null || r.gated().forcedReason() == null ? null : true)
                .outcome(r.status(), r.reason()));
    }

    /** Why the release went where it would have been stopped: forced ungated, and/or its blessing overridden. */
    private static String reason(ReleaseRecord r) {
        List<String> why = new ArrayList<>();
        if (r.gated() != null && r.gated().forcedReason() != null) {
            why.add(r.gated().forcedReason());
        }
        if (r.blessing() != null && r.blessing().overridden()) {
            why.add("blessing overridden: " + r.blessing().reason());
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    /** What serves after release {@code r}, given what served before it: the parts it changed, and kept, replaced. */
    private Serving serving(ReleaseRecord r, Serving before) {
        Serving after = before;
        if (r.deployed() != null && r.imageDigest() != null && !(r.rolledBack() != null && r.rolledBack().service())) {
            after = after.withImage(r.imageDigest());
        }
        if (r.model() != null) {
            boolean modelBack = r.rolledBack() != null && r.rolledBack().model();
            after = after.withModel(modelBack ? before.modelVersion() : modelVersion,
                    modelBack ? before.modelVersionId() : r.model().modelVersionId(),
                    aliases(r.model().aliasesAfter()), traffic(r.model().trafficAfter()));
        }
        return after;
    }

    private static Map<String, List<String>> aliases(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            List<String> names = new ArrayList<>();
            e.getValue().forEach(n -> names.add(n.asText()));
            out.put(e.getKey(), names);
        });
        return out;
    }

    private static Map<String, Integer> traffic(JsonNode node) {
        if (node == null || !node.isObject()) {
            return null;
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asInt()));
        return out;
    }
}
