package io.mlship.release;

import java.util.Optional;

/** Where the service just deployed answers, for its gate; empty means the environment's https://host. */
@FunctionalInterface
public interface ServiceLocator {
    Optional<String> url();
}
