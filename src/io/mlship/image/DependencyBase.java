package io.mlship.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a pushed image gets its Python dependency layers: from the dependency image {@code tag} in the target
 * repository, already there ({@code found}) or built first, from {@code layers} (one set serving every platform)
 * or from {@code platformLayers} (a set per platform, in {@code image.platforms} order, pushed as an image index).
 * Before it is looked up it is only {@link #named}: enough for the build key, which is all a build that finds its
 * image already pushed needs.
 */
public record DependencyBase(String tag, List<PlannedLayer> layers, Map<String, List<PlannedLayer>> platformLayers,
                             DependencyImage.Found found) {
    public DependencyBase {
        layers = List.copyOf(layers);
        Map<String, List<PlannedLayer>> copy = new LinkedHashMap<>();
        platformLayers.forEach((platform, list) -> copy.put(platform, List.copyOf(list)));
        platformLayers = Collections.unmodifiableMap(copy);
    }

    public static DependencyBase named(String tag) {
        return new DependencyBase(tag, List.of(), Map.of(), null);
    }

    /** Neither found nor given layers: named only, not yet something to build on. */
    public boolean resolved() {
        return found != null || !layers.isEmpty() || !platformLayers.isEmpty();
    }

    public static DependencyBase found(String tag, DependencyImage.Found found) {
        return new DependencyBase(tag, List.of(), Map.of(), found);
    }

    public static DependencyBase toBuild(String tag, List<PlannedLayer> layers) {
        return new DependencyBase(tag, layers, Map.of(), null);
    }

    public static DependencyBase toBuildPerPlatform(String tag, Map<String, List<PlannedLayer>> platformLayers) {
        return new DependencyBase(tag, List.of(), platformLayers, null);
    }
}
