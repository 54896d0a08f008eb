package io.mlship.state;

import java.util.List;
import java.util.Optional;

/** A store that owns the client it talks through: closing the store closes the client. */
public final class ClosingStateStore implements StateStore {
    private final StateStore store;
    private final AutoCloseable client;

    public ClosingStateStore(StateStore store, AutoCloseable client) {
        this.store = store;
        this.client = client;
    }

    @Override
    public Optional<StateObject> read(String name) {
        return store.read(name);
    }

    @Override
    public StateObject write(String name, String content, String expectedVersion) {
        return store.write(name, content, expectedVersion);
    }

    @Override
    public void delete(String name) {
        store.delete(name);
    }

    @Override
    public List<StateObject> list(String prefix) {
        return store.list(prefix);
    }

    @Override
    public String where() {
        return store.where();
    }

    @Override
    public void close() {
        try (AutoCloseable c = client) {
            store.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // Nothing is lost: every write was answered before close. Say what failed to let go.
            throw new IllegalStateException("could not close the client of " + store.where() + ": " + e.getMessage(), e);
        }
    }
}
