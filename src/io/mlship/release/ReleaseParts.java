package io.mlship.release;

import io.mlship.result.MlshipException;
import io.mlship.spec.ImageDigest;
import io.mlship.spec.ReleaseSpec;
import java.util.List;

/** Which parts of a release run, from the spec's sections and the --skip-* options; refused when nothing would. */
public record ReleaseParts(boolean build, boolean deploy, boolean promote, boolean gateService, boolean gateVertex) {

    /** Whether the released parts need an image: the service, or a model served from the service's image. */
    public static boolean needsImage(ReleaseSpec spec, boolean skipService, boolean skipModel) {
        boolean promote = spec.model() != null && !skipModel;
        return spec.deploy() != null && !skipService
                || promote && spec.model().serving() != null && spec.model().serving().usesServiceImage();
    }

    public static ReleaseParts decide(ReleaseSpec spec, boolean skipBuild, boolean skipService, boolean skipModel, ImageDigest given) {
        boolean deploy = spec.deploy() != null && !skipService;
        boolean promote = spec.model() != null && !skipModel;
        boolean servingImageIsService = spec.model() != null && spec.model().serving() != null
                && spec.model().serving().usesServiceImage();
        boolean needsImage = deploy || promote && servingImageIsService;
        boolean build = needsImage && given == null && !skipBuild && spec.image() != null;
        List<String> targets = spec.smoke() == null ? List.of() : spec.smoke().targets();
        if (!deploy && !promote) {
            throw MlshipException.badInput("nothing to release: " + (skipService || skipModel ? "the parts left were skipped"
                    : "the spec has neither a deploy nor a model section"), "drop --skip-service/--skip-model, or add the section");
        }
        if (needsImage && !build && given == null) {
            throw MlshipException.badInput("no image to release: the build is skipped and --image-digest was not given",
                    "pass --image-digest from an earlier mlship build, or drop --skip-build");
        }
        return new ReleaseParts(build, deploy, promote, deploy && targets.contains("service"), promote && targets.contains("vertex"));
    }
}
