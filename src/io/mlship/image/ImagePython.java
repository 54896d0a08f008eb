package io.mlship.image;

import io.mlship.result.MlshipException;
import io.mlship.spec.ImageSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides which Python the image's dependencies are installed for: {@code image.python.version} when the spec
 * gives it, else what the base image declares; never the agent's own interpreter. A spec version that contradicts
 * the base's is refused, since wheels for one minor version do not import in another.
 */
final class ImagePython {
    private final BasePythonVersion baseVersions;

    ImagePython(BasePythonVersion baseVersions) {
        this.baseVersions = baseVersions;
    }

    /**
     * One target per platform of the image, in {@code image.platforms} order, all with the same Python version: pip
     * runs once for each, so every platform gets wheels of its own machine code. The base is read per platform, as
     * a multi-platform base has a config per platform.
     */
    List<PythonTarget> targets(ImageSpec image, BaseImage base) {
        List<String> platforms = image.platforms().isEmpty() ? List.of("linux/amd64") : image.platforms();
        List<PythonTarget> targets = new ArrayList<>();
        for (String platform : platforms) {
            PythonTarget target = target(image, base, platform);
            if (!targets.isEmpty() && !targets.get(0).version().equals(target.version())) {
                throw MlshipException.badInput("base image " + base.reference() + " has Python " + targets.get(0).version()
                                + " for " + targets.get(0).platform() + " but " + target.version() + " for " + platform,
                        "pick a base image (image.base) with one Python for every platform in image.platforms");
            }
            targets.add(target);
        }
        return targets;
    }

    private PythonTarget target(ImageSpec image, BaseImage base, String platform) {
        String declared = image.python().version();
        Optional<String> fromBase = baseVersions.of(base, platform);
        if (declared != null && fromBase.isPresent() && !fromBase.get().equals(PythonTarget.majorMinor(declared))) {
            throw MlshipException.badInput("image.python.version is " + declared + ", but base image " + base.reference()
                            + " has Python " + fromBase.get() + " (its " + BasePythonVersion.VARIABLE + ")",
                    "set image.python.version to \"" + fromBase.get() + "\" (or remove it), or pick a base image with Python "
                            + declared);
        }
        String version = declared != null ? declared : fromBase.orElseThrow(() -> MlshipException.badInput(
                "the Python version of the image is not known: image.python.version is not set and base image "
                        + base.reference() + " declares none (no " + BasePythonVersion.VARIABLE + " in its config)",
                "set image.python.version to the base image's Python, e.g. version: \"3.12\" under image.python; "
                        + "dependencies are installed for it, not for the agent's Python"));
        return new PythonTarget(version, platform);
    }
}
