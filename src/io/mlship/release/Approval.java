package io.mlship.release;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.mlship.result.MlshipException;
import io.mlship.spec.ImageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a person approved: who, why, and the image digest and model version they saw. A release that names what
 * was approved refuses to run when it is about to release anything else (a newer build, another gate's verdict),
 * so an approval never carries a release it did not see.
 *
 * @param by            who approved
 * @param reason        why, in their words
 * @param imageDigest   the image approved, or null when the approval names none
 * @param modelVersion  the model version (or artifacts folder) approved, or null when the approval names none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Approval(String by, String reason, String imageDigest, String modelVersion) {

    /** The approval the options give, or null when they name nobody and nothing. */
    public static Approval of(String by, String reason, ImageDigest imageDigest, String modelVersion) {
        String who = blankToNull(by);
        if (who == null && (imageDigest != null || blankToNull(modelVersion) != null || blankToNull(reason) != null)) {
            throw MlshipException.badInput("--approved-image-digest, --approved-model-version and --approval-reason need --approved-by",
                    "pass --approved-by with the person who approved, e.g. --approved-by alice");
        }
        return who == null ? null : new Approval(who, blankToNull(reason), imageDigest == null ? null : imageDigest.value(),
                blankToNull(modelVersion));
    }

    /** True when the approval says what it allows, so the release must be exactly that. */
    public boolean namesWhat() {
        return imageDigest != null || modelVersion != null;
    }

    /**
     * Refuses (exit 2), before anything changes, a release of anything but what was approved.
     *
     * @param image  the image this release deploys, or null when it deploys none
     * @param model  the model version (or artifacts folder) this release promotes, or null when it promotes none
     * @param builds true when the release builds its image, so its digest is not known before it runs
     */
    public void requireSame(ImageDigest image, String model, boolean builds) {
        if (!namesWhat()) {
            return;
        }
        if (builds && imageDigest != null) {
            throw MlshipException.badInput("the approval names image " + imageDigest + ", but this release builds a new image",
                    "release the approved image with --image-digest " + imageDigest + " (or --skip-build and --image-digest)");
        }
        List<String> differences = new ArrayList<>();
        String releasing = image == null ? null : image.value();
        if (!Objects.equals(imageDigest, releasing)) {
            differences.add("image: approved " + shown(imageDigest) + ", releasing " + shown(releasing));
        }
        if (!Objects.equals(modelVersion, model)) {
            differences.add("model version: approved " + shown(modelVersion) + ", releasing " + shown(model));
        }
        if (!differences.isEmpty()) {
            throw MlshipException.badInput("refused: this release is not what " + by + " approved (" + String.join("; ", differences)
                            + "); nothing was changed",
                    "ask for a new approval of what is released now, or release what was approved "
                            + "(--image-digest, --model-version)");
        }
    }

    /** {@code alice ("fixes ranking for long queries") for image sha256:… and model v3}, for reports. */
    public String describe() {
        List<String> what = new ArrayList<>();
        if (imageDigest != null) {
            what.add("image " + imageDigest);
        }
        if (modelVersion != null) {
            what.add("model " + modelVersion);
        }
        return by + (reason != null ? " (\"" + reason + "\")" : "") + (what.isEmpty() ? "" : " for " + String.join(" and ", what));
    }

    private static String shown(String value) {
        return value == null ? "none" : value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
