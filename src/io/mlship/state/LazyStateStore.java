package io.mlship.state;

import java.util.function.Supplier;

/**
 * A store opened on first use: a command checks its input (and may stop on bad input, exit 2) before it
 * reaches the cluster or bucket that keeps the state.
 */
public final class LazyStateStore extends ForwardingStateStore {
    private final Supplier<StateStore> opener;
    private StateStore store;

    public LazyStateStore(Supplier<StateStore> opener) {
        this.opener = opener;
    }

    @Override
    synchronized StateStore delegate() {
        if (store == null) {
            store = opener.get();
        }
        return store;
    }

    @Override
    public synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
