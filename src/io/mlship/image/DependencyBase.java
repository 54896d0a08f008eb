package io.mlship.image;

import java.util.List;

/**
 * How a pushed image gets its Python dependency layers: from the dependency image {@code tag} in the target
 * repository, already there ({@code found}) or built first from {@code layers}. Before it is looked up it is only
 * {@link #named}: enough for the build key, which is all a build that finds its image already pushed needs.
 */
public record DependencyBase(String tag, List<PlannedLayer> layers, DependencyImage.Found found) {
    public DependencyBase {
        layers = List.copyOf(layers);
    }

    public static DependencyBase named(String tag) {
        return new DependencyBase(tag, List.of(), null);
    }

    /** Neither found nor given layers: named only, not yet something to build on. */
    public boolean resolved() {
        return found != null || !layers.isEmpty();
    }

    public static DependencyBase found(String tag, DependencyImage.Found found) {
        return new DependencyBase(tag, List.of(), found);
    }

    public static DependencyBase toBuild(String tag, List<PlannedLayer> layers) {
        return new DependencyBase(tag, layers, null);
    }
}
