package io.mlship.release;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.mlship.model.Blessing;
import java.util.List;

/**
 * The release record: what ran, on which image and model version, what the aliases and traffic were before and
 * after, what the gates saw, how long each stage took and who approved, and (with {@code promoteFrom}) which
 * gate it passed before, what the approver saw and why they approved, and the model's blessing (its metrics
 * against prod's, overridden or not). Written as JSON beside the result and
 * archived by the pipeline; the HTML report and the console summary are drawn from it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReleaseRecord(
        String service,
        String environment,
        String status,
        int exitCode,
        String reason,
        String hint,
        String startedAt,
        String finishedAt,
        double seconds,
        String approvedBy,
        String gitSha,
        String buildUrl,
        String image,
        String imageDigest,
        Service deployed,
        Model model,
        List<Gate> gates,
        List<StageResult> stages,
        RolledBack rolledBack,
        String releaseId,
        Gated gated,
        Approval approval,
        Blessing blessing,
        String blessingJunitFile) {

    /** The service as the release left it (or as it was rolled back to). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Service(String namespace, String revision, String previousRevision, String url, Integer changes) {
    }

    /** The model version released and the endpoint's aliases and traffic before and after. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Model(String model, String modelVersionId, boolean reused, String endpoint, String artifacts,
                        String artifactDigest, JsonNode aliasesBefore, JsonNode aliasesAfter, JsonNode trafficBefore,
                        JsonNode trafficAfter) {
    }

    /** One gate's verdict with the smoke result's cases, failures, latency and thresholds. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Gate(String name, String verdict, String target, String modelVersionId, JsonNode cases,
                       JsonNode failures, JsonNode latency, JsonNode thresholds, String junitFile, String reportFile) {
    }

    public record RolledBack(boolean service, boolean model) {
    }

    /**
     * A release to an environment with {@code promoteFrom}: the environment whose gate its image and model passed,
     * the release there that passed them, and the reason given when it was forced through ungated.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Gated(String from, String passedIn, String forcedReason) {
    }

    public boolean released() {
        return "released".equals(status);
    }

    /** The gates' JUnit files, and the blessing's first when the candidate was judged. */
    public List<String> junitFiles() {
        List<String> out = new java.util.ArrayList<>();
        if (blessingJunitFile != null) {
            out.add(blessingJunitFile);
        }
        if (gates != null) {
            gates.stream().map(Gate::junitFile).filter(f -> f != null).forEach(out::add);
        }
        return List.copyOf(out);
    }
}
