package io.mlship.state;

/** A store that owns the client it talks through: closing the store closes the client. */
public final class ClosingStateStore extends ForwardingStateStore {
    private final StateStore store;
    private final AutoCloseable client;

    public ClosingStateStore(StateStore store, AutoCloseable client) {
        this.store = store;
        this.client = client;
    }

    @Override
    StateStore delegate() {
        return store;
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
