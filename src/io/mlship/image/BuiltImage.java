package io.mlship.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build produced: the manifest digest later steps deploy by, the image name and tags, the layers
 * (base first) and how much was uploaded. For tar builds nothing is pushed.
 *
 * @param digest    the digest to deploy by: for several platforms, the image index's
 * @param layers    the image's layers; for several platforms, those of the first platform's image
 * @param platforms for several platforms, each platform's manifest digest in the index (empty otherwise)
 */
public record BuiltImage(
        String digest,
        String imageId,
        String image,
        List<String> tags,
        List<LayerResult> layers,
        long bytesUploaded,
        String tarFile,
        Map<String, String> platforms) {

    public BuiltImage {
        tags = List.copyOf(tags);
        layers = List.copyOf(layers);
        platforms = Collections.unmodifiableMap(new LinkedHashMap<>(platforms));
    }

    public BuiltImage(String digest, String imageId, String image, List<String> tags, List<LayerResult> layers,
                      long bytesUploaded, String tarFile) {
        this(digest, imageId, image, tags, layers, bytesUploaded, tarFile, Map.of());
    }

    public long layersPushed() {
        return layers.stream().filter(LayerResult::pushed).count();
    }

    public long layersReused() {
        return layers.size() - layersPushed();
    }
}
