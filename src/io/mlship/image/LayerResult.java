package io.mlship.image;

import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import java.util.ArrayList;
import java.util.List;

/** One layer of the built image as the result file reports it. {@code pushed} is false when it was reused. */
public record LayerResult(String name, String digest, long size, boolean pushed) {

    /**
     * The layers of an image read from the registry, none of them uploaded now: the last ones named by
     * {@code lastNames} (mlship's layers, in order), the ones before them "base".
     */
    static List<LayerResult> named(BuildableManifestTemplate image, List<String> lastNames) {
        List<BuildableManifestTemplate.ContentDescriptorTemplate> blobs = image.getLayers();
        int firstNamed = blobs.size() - lastNames.size();
        List<LayerResult> out = new ArrayList<>();
        for (int i = 0; i < blobs.size(); i++) {
            String name = i < firstNamed ? "base" : lastNames.get(i - firstNamed);
            out.add(new LayerResult(name, blobs.get(i).getDigest().toString(), blobs.get(i).getSize(), false));
        }
        return out;
    }
}
