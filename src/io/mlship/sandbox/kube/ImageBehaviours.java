package io.mlship.sandbox.kube;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * What pods of an image do: the behaviour configured when the simulator was built, unless a later override
 * (matched by a fragment of the image reference) says otherwise.
 */
final class ImageBehaviours {
    private final Function<String, Behaviour> configured;
    private final Map<String, Behaviour> overrides = new ConcurrentHashMap<>();

    ImageBehaviours(Function<String, Behaviour> configured) {
        this.configured = configured;
    }

    void override(String fragment, Behaviour behaviour) {
        overrides.put(fragment, behaviour);
    }

    Behaviour of(String image) {
        return override(image).orElseGet(() -> configured.apply(image));
    }

    /** An explicit override wins even over really running the image. */
    boolean overridden(String image) {
        return override(image).isPresent();
    }

    private Optional<Behaviour> override(String image) {
        return overrides.entrySet().stream().filter(e -> image.contains(e.getKey())).map(Map.Entry::getValue).findFirst();
    }
}
