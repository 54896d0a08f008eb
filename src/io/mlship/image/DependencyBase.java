package io.mlship.image;

import java.util.List;

/**
 * How a pushed image gets its Python dependency layers: from the dependency image {@code tag} in the target
 * repository, already there ({@code found}) or built first from {@code layers}.
 */
public record DependencyBase(String tag, List<PlannedLayer> layers, DependencyImage.Found found) {
    public DependencyBase {
        layers = List.copyOf(layers);
    }

    public static DependencyBase found(String tag, DependencyImage.Found found) {
        return new DependencyBase(tag, List.of(), found);
    }

    public static DependencyBase toBuild(String tag, List<PlannedLayer> layers) {
        return new DependencyBase(tag, layers, null);
    }
}
