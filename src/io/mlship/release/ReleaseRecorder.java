package io.mlship.release;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlship.kube.deploy.DeployOutcome;
import io.mlship.model.Blessing;
import io.mlship.model.PromotionOutcome;
import io.mlship.model.PromotionRecord;
import io.mlship.smoke.GateOutcome;
import io.mlship.spec.ImageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Collects what a release did, stage by stage, into its {@link ReleaseRecord}. */
final class ReleaseRecorder {
    private final ObjectMapper json = JsonMapper.builder().build(); // plain maps and lists only: no modules

    private final ReleaseInputs in;
    private final List<ReleaseRecord.Gate> gates = new ArrayList<>();
    private String serviceUrl;
    private PromotionRecord modelAfter;
    private boolean serviceRolledBack;
    private boolean modelRolledBack;
    private Blessing blessing;
    private String blessingJunit;

    ReleaseRecorder(ReleaseInputs in) {
        this.in = in;
    }

    void gate(String name, StageRun<GateOutcome> g) {
        if (g.outcome() == null) {
            gates.add(new ReleaseRecord.Gate(name, "error", null, null, null, null, null, null, null, null));
            return;
        }
        JsonNode r = json.valueToTree(g.outcome().resultFields());
        gates.add(new ReleaseRecord.Gate(name, r.path("verdict").asText("error"), text(r, "target"), text(r, "modelVersionId"),
                node(r.get("cases")), node(r.get("failures")), node(r.get("latency")), node(r.get("thresholds")),
                text(r, "junitFile"), text(r, "reportFile")));
    }

    /** The candidate's blessing, and the JUnit file listing its thresholds (beside the bless stage's result). */
    void blessing(Blessing judged, String junitFile) {
        blessing = judged;
        blessingJunit = junitFile;
    }

    void serviceUrl(String url) {
        serviceUrl = url;
    }

    /** The promotion state the release leaves: after the shift, or after a rollback of the model. */
    void modelAfter(PromotionRecord record) {
        modelAfter = record;
    }

    void serviceRolledBack() {
        serviceRolledBack = true;
    }

    void modelRolledBack() {
        modelRolledBack = true;
    }

    ReleaseRecord record(String status, int exit, String reason, String hint, Instant started, Instant end, double seconds,
                         String imageRef, ImageDigest digest, StageRun<DeployOutcome> deployed,
                         StageRun<PromotionOutcome> promoted, List<StageResult> stages) {
        ReleaseRecord.Service service = null;
        if (deployed != null && deployed.outcome() != null && (deployed.succeeded() || deployed.exitCode() == 1)) {
            DeployOutcome d = deployed.outcome();
            service = new ReleaseRecord.Service(d.namespace(), d.revision(), d.previousRevision(), serviceUrl, d.changes());
        }
        ReleaseRecord.Model model = promoted == null || promoted.outcome() == null || promoted.outcome().record() == null
                ? null : model(promoted.outcome().record());
        return new ReleaseRecord(in.service(), in.env(), status, exit, reason, hint, started.toString(), end.toString(),
                seconds, in.approvedBy(), in.gitSha() == null ? null : in.gitSha().value(), in.buildUrl(), imageRef,
                digest == null ? null : digest.value(), service, model, List.copyOf(gates), stages,
                new ReleaseRecord.RolledBack(serviceRolledBack, modelRolledBack), releaseId(deployed, promoted), in.gated(),
                in.approval(), blessing, blessingJunit);
    }

    /**
     * The release's id: the deploy's (a hash of what it applied, so the same release has the same id), else one
     * from the model version the promotion released.
     */
    private String releaseId(StageRun<DeployOutcome> deployed, StageRun<PromotionOutcome> promoted) {
        if (deployed != null && deployed.outcome() != null && deployed.outcome().releaseId() != null) {
            return deployed.outcome().releaseId();
        }
        if (promoted != null && promoted.outcome() != null && promoted.outcome().record() != null) {
            PromotionRecord p = promoted.outcome().record();
            String basis = in.env() + "\n" + p.model() + "\n" + p.modelVersionId() + "\n" + p.artifactDigest();
            return "m-" + sha256Prefix(basis); // as long as the deploy's r- ids: two releases never share one by chance
        }
        return null;
    }

    private static String sha256Prefix(String text) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private ReleaseRecord.Model model(PromotionRecord p) {
        PromotionRecord after = modelAfter != null ? modelAfter : p;
        return new ReleaseRecord.Model(p.model(), p.modelVersionId(), p.reused(), p.endpoint(), p.artifacts(),
                p.artifactDigest(), p.before() == null ? null : tree(p.before().aliases()), tree(after.aliases()),
                p.before() == null ? null : tree(p.before().trafficSplit()), tree(after.trafficSplit()));
    }

    private JsonNode tree(Object value) {
        return value == null ? null : json.valueToTree(value);
    }

    private static JsonNode node(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    private static String text(JsonNode r, String field) {
        JsonNode n = r.get(field);
        return n == null || n.isNull() || n.asText().isEmpty() ? null : n.asText();
    }
}
