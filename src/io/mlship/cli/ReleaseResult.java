package io.mlship.cli;

import io.mlship.release.ReleaseRecord;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import java.nio.file.Path;
import java.util.Map;

/** The release's own result file and exit: the record's main facts, for the Jenkins step and for scripts. */
final class ReleaseResult {
    private ReleaseResult() {
    }

    static void put(ReleaseRecord done, String approvedBy, Path recordFile, Path reportFile, Map<String, Object> result) {
        result.put("releaseStatus", done.status()); // "status" is the result file's own succeeded/failed
        result.put("image", done.image());
        result.put("imageDigest", done.imageDigest());
        if (done.model() != null) {
            result.put("model", done.model().model());
            result.put("modelVersionId", done.model().modelVersionId());
            result.put("endpoint", done.model().endpoint());
            result.put("aliasesBefore", done.model().aliasesBefore());
            result.put("aliasesAfter", done.model().aliasesAfter());
            result.put("trafficBefore", done.model().trafficBefore());
            result.put("trafficAfter", done.model().trafficAfter());
        }
        if (done.deployed() != null) {
            result.put("serviceUrl", done.deployed().url());
            result.put("revision", done.deployed().revision());
        }
        result.put("approvedBy", approvedBy);
        result.put("reason", done.reason());
        result.put("stages", done.stages());
        result.put("junitFiles", done.junitFiles());
        result.put("recordFile", recordFile.toString());
        result.put("reportFile", reportFile.toString());
    }

    /** Why a release that did not release failed, in the category its exit code says. */
    static MlshipException failure(ReleaseRecord done, Path recordFile, Path reportFile) {
        ErrorCategory category = switch (done.exitCode()) {
            case 1 -> done.gates().stream().anyMatch(g -> !"passed".equals(g.verdict()))
                    || done.blessing() != null && !done.blessing().allowsPromotion() ? ErrorCategory.GATE_FAILED
                    : ErrorCategory.ROLLOUT_FAILED;
            case 2 -> ErrorCategory.BAD_INPUT;
            case 4 -> ErrorCategory.ROLLBACK_FAILED;
            default -> ErrorCategory.INFRASTRUCTURE;
        };
        return new MlshipException(category, done.reason(), done.hint() != null ? done.hint()
                : "the release record " + recordFile + " and the report " + reportFile + " say what ran");
    }
}
