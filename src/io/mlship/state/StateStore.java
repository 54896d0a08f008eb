package io.mlship.state;

import java.util.List;
import java.util.Optional;

/**
 * Where one service's release state in one environment is kept, off the agent: named JSON documents with a
 * version each, written only if nobody wrote since they were read (compare-and-set), so concurrent writers never
 * lose an entry. Implementations: ConfigMaps in the environment's namespace (where the release acts, the way Helm
 * keeps its releases), objects under a Cloud Storage prefix with generation preconditions (model-only specs), and
 * a folder (the workspace, when nothing durable is configured). Names are short, lower-case, [a-z0-9-].
 */
public interface StateStore extends AutoCloseable {

    /** The document, or empty when none was written under {@code name}. */
    Optional<StateObject> read(String name);

    /**
     * Writes {@code content} under {@code name} if its version is still {@code expectedVersion}; a null
     * {@code expectedVersion} means the document must not exist yet. Returns the document as stored (its new
     * version).
     *
     * @throws StateConflict when another writer got there first: read again, and retry
     */
    StateObject write(String name, String content, String expectedVersion);

    /** Removes the document (bounded history drops its oldest parts); nothing happens when it is not there. */
    void delete(String name);

    /** Every document whose name starts with {@code prefix}, with its content, sorted by name. */
    List<StateObject> list(String prefix);

    /** Where the documents are, for messages: {@code ConfigMaps mlship-state-… in namespace reco}, {@code gs://…}. */
    String where();

    @Override
    default void close() {
    }
}
