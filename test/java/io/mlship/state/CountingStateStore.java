package io.mlship.state;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/** A store that counts the calls made to the one it wraps, to hold readers to what they promise to cost. */
class CountingStateStore implements StateStore {
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger deletes = new AtomicInteger();
    final AtomicInteger lists = new AtomicInteger();
    private final StateStore inner;

    CountingStateStore(StateStore inner) {
        this.inner = inner;
    }

    void reset() {
        reads.set(0);
        writes.set(0);
        deletes.set(0);
        lists.set(0);
    }

    @Override
    public Optional<StateObject> read(String name) {
        reads.incrementAndGet();
        return inner.read(name);
    }

    @Override
    public StateObject write(String name, String content, String expectedVersion) {
        writes.incrementAndGet();
        return inner.write(name, content, expectedVersion);
    }

    @Override
    public void delete(String name) {
        deletes.incrementAndGet();
        inner.delete(name);
    }

    @Override
    public List<StateObject> list(String prefix) {
        lists.incrementAndGet();
        return inner.list(prefix);
    }

    @Override
    public String where() {
        return inner.where();
    }
}
