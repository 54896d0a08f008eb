package io.mlship.sandbox.vertex;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test hooks: the next operation of a method (e.g. {@code DeployModel}) fails, or hangs until released.
 * Per-emulator state, so parallel emulators do not see each other's faults.
 */
public final class FaultHooks {
    enum Fault { FAIL, HANG }

    private final Map<String, Deque<Fault>> planned = new HashMap<>();
    private final Map<String, List<Runnable>> held = new HashMap<>();
    private final Map<String, Boolean> released = new HashMap<>();
    private final Map<String, Integer> unavailable = new HashMap<>();

    /** The next operation of {@code method} ends with an error. */
    public synchronized void failNext(String method) {
        planned.computeIfAbsent(method, m -> new ArrayDeque<>()).add(Fault.FAIL);
    }

    /**
     * The next {@code times} calls of {@code method} (e.g. {@code ListModelVersions}) are refused at the transport
     * with UNAVAILABLE, before the service sees them, as a Google front end does when a backend is briefly gone.
     */
    public synchronized void unavailableNext(String method, int times) {
        unavailable.merge(method, times, Integer::sum);
    }

    /** Whether this call of {@code method} is to be refused with UNAVAILABLE (counts it down). */
    synchronized boolean refuse(String method) {
        Integer left = unavailable.get(method);
        if (left == null || left <= 0) {
            return false;
        }
        unavailable.put(method, left - 1);
        return true;
    }

    /** The next operation of {@code method} does not finish until {@link #release(String)}. */
    public synchronized void hangNext(String method) {
        planned.computeIfAbsent(method, m -> new ArrayDeque<>()).add(Fault.HANG);
        released.remove(method);
    }

    /** Lets held operations of {@code method} go on. */
    public void release(String method) {
        List<Runnable> go;
        synchronized (this) {
            go = held.remove(method);
            released.put(method, true);
        }
        if (go != null) {
            go.forEach(Runnable::run);
        }
    }

    synchronized Fault take(String method) {
        Deque<Fault> q = planned.get(method);
        return q == null ? null : q.poll();
    }

    void onRelease(String method, Runnable go) {
        synchronized (this) {
            if (!released.getOrDefault(method, false)) {
                held.computeIfAbsent(method, m -> new ArrayList<>()).add(go);
                return;
            }
        }
        go.run();
    }
}
