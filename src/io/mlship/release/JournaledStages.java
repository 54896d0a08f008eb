package io.mlship.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.image.BuildInput;
import io.mlship.image.BuildOutcome;
import io.mlship.kube.deploy.CandidateRemoval;
import io.mlship.kube.deploy.CanaryStep;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.kube.deploy.ServiceRollback;
import io.mlship.model.PromotionInput;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.progress.Progress;
import io.mlship.smoke.GateInput;
import io.mlship.smoke.GateOutcome;
import io.mlship.state.Journal;
import io.mlship.state.JournalEntry;
import io.mlship.state.Serving;
import io.mlship.state.StateStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Stages run one at a time, outside a release ({@code mlship deploy}, {@code mlship promote}): each change one of
 * them makes to what serves becomes a journal line of its own, in the state store its input names. A release does
 * not use this: its ledger writes one line for all its stages ({@link StateLedger}).
 *
 * <p>Only changes that took effect are journaled: a dry run, a deploy that changed nothing, a failed rollout (it is
 * rolled back at once) and a failed promotion step (its record says what to roll back) leave what served as it was
 * as far as the journal can tell.
 */
public final class JournaledStages implements ReleaseStages {
    private final ReleaseStages stages;
    private final ObjectMapper json;
    private final Clock clock;
    private final Progress progress;

    public JournaledStages(ReleaseStages stages, ObjectMapper json, Clock clock, Progress progress) {
        this.stages = Objects.requireNonNull(stages, "stages");
        this.json = json;
        this.clock = clock;
        this.progress = progress;
    }

    @Override
    public BuildOutcome build(BuildInput in) throws Exception {
        return stages.build(in); // a build changes nothing that serves
    }

    @Override
    public DeployOutcome deploy(DeployInput in) throws Exception {
        DeployOutcome outcome = stages.deploy(in);
        if (outcome.succeeded() && !outcome.dryRun() && outcome.changes() > 0 && in.imageDigest() != null) {
            String digest = in.imageDigest().value();
            write(in.state(), "deploy", outcome.releaseId(), in.deployedBy().buildUrl(), true, before -> before.withImage(digest));
        }
        return outcome;
    }

    @Override
    public ServiceRollback rollBackService(DeployInput in) throws Exception {
        ServiceRollback restored = stages.rollBackService(in);
        String digest = digestOf(restored.restoredImage());
        write(in.state(), "rollback-service", null, in.deployedBy().buildUrl(), true, before -> before.withImage(digest));
        return restored;
    }

    @Override
    public CanaryStep canaryStep(DeployInput in, int percent) throws Exception {
        return stages.canaryStep(in, percent); // a release journals its canary as one line, when stable moves
    }

    @Override
    public CandidateRemoval removeCandidate(DeployInput in) throws Exception {
        return stages.removeCandidate(in);
    }

    @Override
    public PromotionOutcome promote(PromotionInput in, Consumer<PromotionRecord> checkpoint) throws Exception {
        PromotionOutcome outcome = stages.promote(in, checkpoint);
        PromotionRecord r = outcome.record();
        if (!outcome.succeeded() || r == null || in.state() == null) {
            return outcome;
        }
        String kind = switch (in.action()) {
            case PROMOTE -> "promote";
            case SHIFT -> "shift";
            case ROLLBACK -> "rollback-model";
            case CHECK, BLESS -> null;
        };
        if (kind == null) {
            return outcome;
        }
        String versionId = in.action() == PromotionInput.Action.ROLLBACK ? servingVersion(r) : r.modelVersionId();
        String label = in.action() == PromotionInput.Action.PROMOTE && in.modelVersion() != null ? in.modelVersion()
                : labelOf(in.state(), versionId);
        // A candidate promoted against its blessing says so in the history, with the reason given.
        String why = outcome.blessing() != null && outcome.blessing().overridden()
                ? "blessing overridden: " + outcome.blessing().reason() : null;
        write(in.state(), kind, null, in.buildUrl(), false, why,
                before -> before.withModel(label, versionId, r.aliases(), r.trafficSplit()));
        return outcome;
    }

    @Override
    public GateOutcome gate(GateInput in) throws Exception {
        return stages.gate(in);
    }

    /**
     * Appends the change, unless {@code always} is false and it leaves all that serves as it was (a promotion
     * run again). A deploy is always a line: it changed objects even when the image stayed. A journal that cannot
     * be written only warns.
     */
    private void write(StateStore store, String kind, String releaseId, String buildUrl, boolean always,
                       Function<Serving, Serving> change) {
        write(store, kind, releaseId, buildUrl, always, null, change);
    }

    private void write(StateStore store, String kind, String releaseId, String buildUrl, boolean always, String reason,
                       Function<Serving, Serving> change) {
        if (store == null) {
            return;
        }
        try {
            new Journal(store, json, clock).appendAfter(before -> {
                Serving after = change.apply(before);
                return !always && after.equals(before) ? null
                        : JournalEntry.of(kind, after).by(releaseId, buildUrl, Who.of(buildUrl)).because(reason, null);
            });
        } catch (RuntimeException e) {
            // The change is made; failing the command now would only make a person run it again.
            progress.warn("the " + kind + " is done but its history line was not kept: " + e.getMessage()
                    + " (mlship history will not list it)");
        }
    }

    /** After a model rollback, the version the largest share of traffic went back to (null: none is deployed). */
    private static String servingVersion(PromotionRecord r) {
        if (r.before() == null || r.trafficSplit() == null) {
            return null;
        }
        String best = null;
        int share = 0;
        for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(r.trafficSplit()).entrySet()) {
            if (e.getValue() > share) { // ties go to the first deployed model id, so the answer never varies
                best = e.getKey();
                share = e.getValue();
            }
        }
        String version = best == null ? null : r.before().deployedVersions().get(best);
        if (version != null || r.aliases() == null) {
            return version;
        }
        // Redeployed under a new id (the shift had undeployed it): the version the prod alias went back to.
        return r.aliases().entrySet().stream().filter(a -> a.getValue() != null && a.getValue().contains("prod"))
                .map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** The label (e.g. {@code v1}) the journal last gave Vertex AI version {@code versionId}; null when it never did. */
    private String labelOf(StateStore store, String versionId) {
        if (versionId == null) {
            return null;
        }
        try {
            List<JournalEntry> entries = new Journal(store, json, clock).entries();
            for (int i = entries.size() - 1; i >= 0; i--) {
                Serving s = entries.get(i).serving();
                if (versionId.equals(s.modelVersionId()) && s.modelVersion() != null) {
                    return s.modelVersion();
                }
            }
        } catch (RuntimeException e) {
            return null; // only a label; write() reports a store that cannot be read
        }
        return null;
    }

    /** The digest of {@code repository@sha256:…}; null for nothing (the objects were removed) or a tag. */
    static String digestOf(String imageReference) {
        if (imageReference == null) {
            return null;
        }
        int at = imageReference.lastIndexOf('@');
        return at < 0 ? null : imageReference.substring(at + 1);
    }
}
