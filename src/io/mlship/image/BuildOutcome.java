package io.mlship.image;

import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import io.mlship.spec.ImageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the build stage made: the image by digest, its tags and labels, and what was uploaded. {@code buildUrl} is
 * the build that made it: kept here, in the result, since it is not part of the image.
 */
public record BuildOutcome(String environment, String repository, List<String> tags, String baseImage, String specHash,
                           List<String> warnings, BuiltImage image, boolean pushed, Map<String, String> labels,
                           String buildUrl)
        implements StageOutcome {

    public BuildOutcome {
        tags = List.copyOf(tags);
        warnings = List.copyOf(warnings);
        labels = Map.copyOf(labels);
    }

    public ImageDigest digest() {
        return new ImageDigest(image.digest());
    }

    /** {@code repository@sha256:…}: what a deploy or Vertex AI runs. */
    public String imageRef() {
        return repository + "@" + image.digest();
    }

    @Override
    public MlshipException failure() {
        return null; // a build either makes its image or throws: nothing outside is changed half-way
    }

    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("environment", environment);
        r.put("image", repository);
        r.put("tags", tags);
        r.put("pushed", pushed);
        r.put("baseImage", baseImage);
        r.put("specHash", specHash);
        r.put("warnings", warnings);
        r.put("digest", image.digest());
        r.put("imageRef", imageRef());
        if (!image.platforms().isEmpty()) {
            r.put("platforms", image.platforms()); // each platform's manifest in the index; layers are the first's
        }
        if (image.tarFile() != null) {
            r.put("tarFile", image.tarFile());
        }
        r.put("layers", image.layers().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("digest", l.digest());
            m.put("size", l.size());
            m.put("pushed", l.pushed());
            return m;
        }).toList());
        r.put("layersPushed", image.layersPushed());
        r.put("layersReused", image.layersReused());
        r.put("bytesUploaded", image.bytesUploaded());
        r.put("labels", new java.util.TreeMap<>(labels));
        if (buildUrl != null) {
            r.put("buildUrl", buildUrl);
        }
        return r;
    }
}
