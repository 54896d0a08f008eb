package io.mlship.state;

import java.util.List;
import java.util.Optional;

/** A store that passes every call to another; a subclass says which one and what closing means. */
abstract class ForwardingStateStore implements StateStore {

    /** The store the calls go to. */
    abstract StateStore delegate();

    @Override
    public Optional<StateObject> read(String name) {
        return delegate().read(name);
    }

    @Override
    public StateObject write(String name, String content, String expectedVersion) {
        return delegate().write(name, content, expectedVersion);
    }

    @Override
    public void delete(String name) {
        delegate().delete(name);
    }

    @Override
    public List<StateObject> list(String prefix) {
        return delegate().list(prefix);
    }

    @Override
    public String where() {
        return delegate().where();
    }
}
