package io.mlship.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.result.JsonRecords;
import io.mlship.result.MlshipException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One typed record of the release state (the deploy record, the promotion record): kept in the environment's
 * store, so any agent finds it, and copied to a workspace file, which Jenkins archives and which is read when
 * the store has none (a record written before the store was). A run holds the release lock while it writes, so
 * the last write wins: a conflict only means the version read is stale.
 */
public final class StateDocument<T> {
    private static final int ATTEMPTS = 5;

    private final StateStore store;
    private final String name;
    private final Class<T> type;
    private final Path cacheFile;
    private final ObjectMapper json;
    // The store's version of the record as this document last read or wrote it, so a run that saves at every
    // checkpoint writes without reading first; a conflict reads it again.
    private boolean versionKnown;
    private String version;

    /** {@code store} may be null: then the workspace file is all there is. */
    public StateDocument(StateStore store, String name, Class<T> type, Path cacheFile, ObjectMapper json) {
        this.store = store;
        this.name = name;
        this.type = type;
        this.cacheFile = cacheFile;
        this.json = json;
    }

    public synchronized Optional<T> load() {
        try {
            if (store != null) {
                Optional<StateObject> stored = store.read(name);
                remember(stored.map(StateObject::version).orElse(null));
                if (stored.isPresent()) {
                    return Optional.of(json.readValue(stored.get().content(), type));
                }
            }
            if (cacheFile != null && Files.isRegularFile(cacheFile)) {
                return Optional.of(json.readValue(cacheFile.toFile(), type));
            }
            return Optional.empty();
        } catch (java.io.IOException e) {
            throw MlshipException.badInput("the " + name + " record in " + where() + " cannot be read: " + e.getMessage(),
                    "it was not written by this mlship version; remove it only if nothing needs rolling back");
        }
    }

    public synchronized void save(T value) {
        if (store != null) {
            String content;
            try {
                content = json.writerWithDefaultPrettyPrinter().writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot serialise the " + name + " record", e);
            }
            for (int attempt = 1; ; attempt++) {
                if (!versionKnown) {
                    remember(store.read(name).map(StateObject::version).orElse(null));
                }
                try {
                    remember(store.write(name, content, version).version());
                    break;
                } catch (StateConflict e) {
                    versionKnown = false;
                    if (attempt == ATTEMPTS) {
                        throw MlshipException.infrastructure("the " + name + " record in " + store.where()
                                + " kept changing while it was written (" + ATTEMPTS + " attempts)",
                                "another run writes the same environment's state without the release lock; stop it and retry", e);
                    }
                }
            }
        }
        if (cacheFile != null && !(store instanceof FolderStateStore f && f.file(name).equals(cacheFile.toAbsolutePath()))) {
            JsonRecords.write(json, cacheFile, value, name + " record");
        }
    }

    private void remember(String storeVersion) {
        version = storeVersion;
        versionKnown = true;
    }

    /** Where the record is kept, for messages. */
    public String where() {
        return store != null ? store.where() : String.valueOf(cacheFile);
    }
}
