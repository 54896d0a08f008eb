package io.mlship.state;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A store opened on first use: a command checks its input (and may stop on bad input, exit 2) before it
 * reaches the cluster or bucket that keeps the state.
 */
public final class LazyStateStore implements StateStore {
    private final Supplier<StateStore> opener;
    private StateStore store;

    public LazyStateStore(Supplier<StateStore> opener) {
        this.opener = opener;
    }

    private StateStore store() {
        if (store == null) {
            store = opener.get();
        }
        return store;
    }

    @Override
    public Optional<StateObject> read(String name) {
        return store().read(name);
    }

    @Override
    public StateObject write(String name, String content, String expectedVersion) {
        return store().write(name, content, expectedVersion);
    }

    @Override
    public void delete(String name) {
        store().delete(name);
    }

    @Override
    public List<StateObject> list(String prefix) {
        return store().list(prefix);
    }

    @Override
    public String where() {
        return store().where();
    }

    @Override
    public void close() {
        if (store != null) {
            store.close();
        }
    }
}
