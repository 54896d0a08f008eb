package io.mlship.release;

import io.mlship.result.MlshipException;
import io.mlship.spec.ImageDigest;
import io.mlship.state.GateVerdict;
import io.mlship.state.GateVerdicts;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.spec.EnvironmentView;
import io.mlship.spec.LoadedSpec;
import io.mlship.state.StateStore;
import io.mlship.state.StateStores;
import java.util.List;
import java.util.Optional;

/**
 * What a release to an environment with {@code promoteFrom} may release: the image digest and model version that
 * passed the source environment's gate. Given neither, the release takes what last passed there (nothing is
 * built); given one that never passed, it is refused (exit 2) unless forced, with a reason the record keeps.
 *
 * @param from          the source environment's name
 * @param passed        its gate verdicts, newest first, read from its release state
 * @param forceReason   non-null when {@code --force-ungated --reason …} was given
 */
public record PromoteFrom(String from, List<GateVerdict> passed, String forceReason) {

    /**
     * Reads {@code environment}'s promoteFrom environment's gate verdicts, once, from its release state (the same
     * kubeconfig; its cluster's GKE context name).
     */
    public static PromoteFrom of(StateStores states, LoadedSpec loaded, EnvironmentView environment, StateStores.Target source,
                                 ObjectMapper json, String forceReason) {
        String from = environment.promoteFrom();
        try (StateStore store = states.open(EnvironmentView.of(loaded, from), source)) {
            return new PromoteFrom(from, new GateVerdicts(store, json).all(), forceReason);
        }
    }

    /** What the release takes: the digest and version to release, the source release that passed them, and why. */
    public record Choice(ImageDigest imageDigest, String modelVersion, String passedIn, String forcedReason) {
    }

    /**
     * @param digest      the --image-digest given, or null
     * @param version     the --model-version given, or null
     * @param artifacts   the --artifacts folder given, or null (a folder is no version a gate could have passed)
     */
    public Choice choose(ImageDigest digest, String version, String artifacts, boolean needsImage, boolean needsModel) {
        boolean forced = forceReason != null;
        if (needsModel && artifacts != null && !forced) {
            throw MlshipException.badInput("--artifacts names a folder, not a model version that passed " + from + "'s gate",
                    "pass --model-version, or --force-ungated --reason \"…\" to release the folder anyway");
        }
        Optional<GateVerdict> latest = passed.stream().findFirst();
        ImageDigest image = null;
        String model = null;
        String passedIn = null;
        if (needsImage) {
            if (digest == null) {
                GateVerdict v = latestWith(true).orElseThrow(() -> nothingPassed("image"));
                image = ImageDigest.parse(v.imageDigest(), "the image digest that passed " + from);
                passedIn = v.releaseId();
            } else {
                Optional<GateVerdict> passedIt = passed.stream().filter(v -> digest.value().equals(v.imageDigest())).findFirst();
                if (passedIt.isEmpty() && !forced) {
                    throw MlshipException.badInput("image " + digest + " has not passed " + from + "'s gate"
                                    + latest.map(v -> v.imageDigest() == null ? "" : " (the last that did: " + v.imageDigest() + ")").orElse(""),
                            "release it to " + from + " first, drop --image-digest to take what last passed there, "
                                    + "or pass --force-ungated --reason \"…\"");
                }
                image = digest;
                passedIn = passedIt.map(GateVerdict::releaseId).orElse(null);
            }
        }
        if (needsModel && artifacts == null) {
            if (version == null) {
                GateVerdict v = latestWith(false).orElseThrow(() -> nothingPassed("model version"));
                model = v.modelVersion();
                passedIn = passedIn != null ? passedIn : v.releaseId();
            } else {
                Optional<GateVerdict> passedIt = passed.stream().filter(v -> version.equals(v.modelVersion())).findFirst();
                if (passedIt.isEmpty() && !forced) {
                    throw MlshipException.badInput("model version " + version + " has not passed " + from + "'s gate"
                                    + latest.map(v -> v.modelVersion() == null ? "" : " (the last that did: " + v.modelVersion() + ")").orElse(""),
                            "release it to " + from + " first, drop --model-version to take what last passed there, "
                                    + "or pass --force-ungated --reason \"…\"");
                }
                model = version;
                passedIn = passedIn != null ? passedIn : passedIt.map(GateVerdict::releaseId).orElse(null);
            }
        }
        return new Choice(image, model, passedIn, forceReason);
    }

    /** The newest verdict that names an image (or a model version): a release may have carried only one. */
    private Optional<GateVerdict> latestWith(boolean image) {
        return passed.stream().filter(v -> image ? v.imageDigest() != null : v.modelVersion() != null).findFirst();
    }

    private MlshipException nothingPassed(String what) {
        return MlshipException.badInput("no " + what + " has passed " + from + "'s gate yet, so there is nothing to promote",
                "release to " + from + " first (mlship release --env " + from + "), or name one with --force-ungated --reason \"…\"");
    }
}
