package io.mlship.model;

import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.aiplatform.v1.Model;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.spec.MetricThreshold;
import io.mlship.spec.ModelSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Judges a candidate before any traffic moves: reads its metrics file from the artifacts, prod's metrics from the
 * version holding the prod alias (its labels, else the same file in its artifacts), and checks every threshold.
 * It only reads, so a pull request can ask the same question a release does.
 */
public final class BlessingCheck {
    static final int MAX_METRICS_BYTES = 1 << 20;

    private final ArtifactStore store;
    private final VertexClients vertex;
    private final Progress progress;

    public BlessingCheck(ArtifactStore store, VertexClients vertex, Progress progress) {
        this.store = store;
        this.vertex = vertex;
        this.progress = progress;
    }

    public Blessing judge(ModelSpec.Evaluation evaluation, GcsUri artifacts, String modelName, String prodAlias) {
        String file = artifacts + evaluation.metrics();
        byte[] bytes = store.read(artifacts, evaluation.metrics(), MAX_METRICS_BYTES).orElseThrow(() ->
                store.list(artifacts).isEmpty()
                        ? MlshipException.badInput("no model files under " + artifacts,
                                "check the artifact path and version parameter; training leaves the model folder there")
                        : MlshipException.badInput("no metrics file " + file + " (model.evaluation.metrics)",
                                "training writes its evaluation metrics there; run it again, or set model.evaluation.metrics "
                                        + "to the file it writes"));
        Map<String, Double> candidate = MetricsFile.parse(bytes, file);
        List<MetricThreshold> rules = evaluation.rules();
        Model prod = prodVersion(modelName, prodAlias);
        Map<String, Double> prodMetrics = prod == null ? Map.of() : prodMetrics(prod, evaluation.metrics(), candidate.keySet(), rules);

        List<Blessing.Threshold> judged = new ArrayList<>();
        boolean skippedAny = false;
        for (MetricThreshold rule : rules) {
            Double c = candidate.get(rule.metric());
            Double p = prodMetrics.get(rule.metric());
            if (c == null) {
                judged.add(new Blessing.Threshold(rule.text(), false, rule.metric() + " is not in " + file, null));
            } else if (rule.relative() && prod == null) {
                skippedAny = true;
                judged.add(new Blessing.Threshold(rule.text(), true, "skipped: no version holds '" + prodAlias
                        + "' yet (first release); candidate " + num(c), true));
            } else if (rule.relative() && p == null) {
                judged.add(new Blessing.Threshold(rule.text(), false, "prod version " + prod.getVersionId() + " has no "
                        + rule.metric() + " (no label " + MetricThreshold.labelKey(rule.metric()) + ", not in its "
                        + evaluation.metrics() + ")", null));
            } else {
                boolean ok = rule.holds(c, p);
                String bound = num(rule.bound(p)) + (rule.relative() ? " (prod " + num(p) + margin(rule) + ")" : "");
                judged.add(new Blessing.Threshold(rule.text(), ok, num(c) + (ok ? " " : " is not ")
                        + rule.operator().symbol() + " " + bound, null));
            }
        }
        List<Blessing.Metric> metrics = new ArrayList<>();
        candidate.forEach((name, c) -> {
            Double p = prodMetrics.get(name);
            metrics.add(new Blessing.Metric(name, c, p, p == null ? null
                    : BigDecimal.valueOf(c).subtract(BigDecimal.valueOf(p)).doubleValue()));
        });
        boolean blessed = judged.stream().allMatch(Blessing.Threshold::passed);
        String note = skippedAny ? "first release: no version holds '" + prodAlias + "', so the thresholds relative to "
                + "prod were skipped" : null;
        Blessing b = new Blessing(blessed, file, prod == null ? null : prod.getVersionId(), metrics, judged, false, null, note);
        progress.step((blessed ? "" : "not ") + b.summary());
        return b;
    }

    /** The version holding {@code alias}; null when there is none (or no model yet): a first release. */
    private Model prodVersion(String modelName, String alias) {
        try {
            return vertex.models().getModel(modelName + "@" + alias);
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** Prod's metrics: kept on the version as labels, else read from the metrics file in its artifacts. */
    private Map<String, Double> prodMetrics(Model prod, String metricsFile, Set<String> candidateNames,
                                            List<MetricThreshold> rules) {
        Set<String> wanted = new LinkedHashSet<>();
        rules.forEach(r -> wanted.add(r.metric()));
        wanted.addAll(candidateNames);
        Map<String, Double> out = new TreeMap<>();
        for (String name : wanted) {
            MetricLabels.read(prod.getLabelsMap(), name).ifPresent(v -> out.put(name, v));
        }
        boolean missingJudged = rules.stream().anyMatch(r -> r.relative() && !out.containsKey(r.metric()));
        if (missingJudged && !prod.getArtifactUri().isEmpty()) {
            fileOf(prod, metricsFile).ifPresent(m -> m.forEach(out::putIfAbsent));
        }
        return out;
    }

    private Optional<Map<String, Double>> fileOf(Model prod, String metricsFile) {
        try {
            GcsUri folder = GcsUri.parse(prod.getArtifactUri());
            return store.read(folder, metricsFile, MAX_METRICS_BYTES).map(b -> MetricsFile.parse(b, folder + metricsFile));
        } catch (IllegalArgumentException | MlshipException | com.google.cloud.BaseServiceException e) {
            progress.warn("prod version " + prod.getVersionId() + " keeps no metrics labels and its " + metricsFile
                    + " could not be read: " + e.getMessage());
            return Optional.empty();
        }
    }

    private static String margin(MetricThreshold rule) {
        int sign = rule.value().signum();
        return sign == 0 ? "" : (sign < 0 ? " - " : " + ") + rule.value().abs().stripTrailingZeros().toPlainString();
    }

    static String num(double v) {
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    }
}
