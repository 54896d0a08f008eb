package io.mlship.state;

import java.util.Objects;

/** One stored document: its name in the store, its JSON text and the version a conditional write must name. */
public record StateObject(String name, String content, String version) {

    public StateObject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(version, "version");
    }
}
