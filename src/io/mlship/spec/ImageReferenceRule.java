package io.mlship.spec;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import java.util.Map;

/** Image references follow the registry's grammar (checked with Jib's own parser) and bases should be pinned. */
final class ImageReferenceRule implements SpecRule {

    @Override
    public void check(RuleContext ctx) {
        ReleaseSpec spec = ctx.spec();
        ImageSpec image = spec.image();
        if (image != null) {
            if (!image.isScratch() && !image.baseIsTar()) {
                parse(ctx, "/image/base", image.base()).ifPresent(ref -> {
                    if (!ref.getDigest().isPresent()) {
                        ctx.warning("/image/base", "base image '" + image.base() + "' is not pinned by digest",
                                "builds are reproducible only with a pinned base: append @sha256:<digest>");
                    }
                });
            }
            Map<String, String> values = Placeholders.environmentValues(ctx.environmentName(), ctx.environment(), spec.service());
            try {
                String repository = Placeholders.fill(image.repository(), values, "image.repository");
                parse(ctx, "/image/repository", image.registry() + "/" + repository);
            } catch (IllegalArgumentException unresolved) {
                // PlacementRule reports placeholders without a value.
            }
        }
        if (spec.model() != null && !spec.model().serving().usesServiceImage()) {
            parse(ctx, "/model/serving/image", spec.model().serving().image());
        }
    }

    private java.util.Optional<ImageReference> parse(RuleContext ctx, String pointer, String reference) {
        try {
            return java.util.Optional.of(ImageReference.parse(reference));
        } catch (InvalidImageReferenceException e) {
            ctx.error(pointer, "'" + reference + "' is not a valid image reference",
                    "use registry/repository[:tag][@sha256:digest] with lower-case repository names");
            return java.util.Optional.empty();
        }
    }
}
