package io.mlship.image;

import java.util.List;

/**
 * What a build produced: the manifest digest later steps deploy by, the image name and tags, the layers
 * (base first) and how much was uploaded. For tar builds nothing is pushed.
 */
public record BuiltImage(
        String digest,
        String imageId,
        String image,
        List<String> tags,
        List<LayerResult> layers,
        long bytesUploaded,
        String tarFile) {

    public BuiltImage {
        tags = List.copyOf(tags);
        layers = List.copyOf(layers);
    }

    public long layersPushed() {
        return layers.stream().filter(LayerResult::pushed).count();
    }

    public long layersReused() {
        return layers.size() - layersPushed();
    }
}
