package io.mlship.sandbox.vertex;

import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Long-running operations: each takes {@code delay} before its work runs, then holds the work's response or
 * error. {@link FaultHooks} can make an operation fail or hang, so callers' timeouts can be tested.
 */
final class OperationRegistry {
    private final Map<String, Operation> operations = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private final ScheduledExecutorService scheduler;
    private final Duration delay;
    private final FaultHooks hooks;

    OperationRegistry(ScheduledExecutorService scheduler, Duration delay, FaultHooks hooks) {
        this.scheduler = scheduler;
        this.delay = delay;
        this.hooks = hooks;
    }

    /** Starts an operation named below {@code parent}; {@code work} runs later and gives the response. */
    Operation start(String parent, String method, Message metadata, Supplier<? extends Message> work) {
        String name = parent + "/operations/" + ids.incrementAndGet();
        Operation op = Operation.newBuilder().setName(name).setMetadata(Any.pack(metadata)).build();
        operations.put(name, op);
        FaultHooks.Fault fault = hooks.take(method);
        if (fault == FaultHooks.Fault.HANG) {
            hooks.onRelease(method, () -> schedule(name, work, null));
        } else {
            schedule(name, work, fault == FaultHooks.Fault.FAIL ? "injected failure of " + method : null);
        }
        return op;
    }

    private void schedule(String name, Supplier<? extends Message> work, String failure) {
        scheduler.schedule(() -> complete(name, work, failure), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void complete(String name, Supplier<? extends Message> work, String failure) {
        Operation.Builder done = operations.get(name).toBuilder().setDone(true);
        if (failure != null) {
            done.setError(Status.newBuilder().setCode(Code.INTERNAL_VALUE).setMessage(failure));
        } else {
            try {
                done.setResponse(Any.pack(work.get()));
            } catch (ApiError e) {
                done.setError(Status.newBuilder().setCode(e.code().value()).setMessage(e.getMessage()));
            } catch (RuntimeException e) {
                done.setError(Status.newBuilder().setCode(Code.INTERNAL_VALUE).setMessage(String.valueOf(e.getMessage())));
            }
        }
        operations.put(name, done.build());
    }

    Operation get(String name) {
        Operation op = operations.get(name);
        if (op == null) {
            throw ApiError.notFound("operation " + name + " not found");
        }
        return op;
    }

    java.util.List<Operation> all() {
        return java.util.List.copyOf(operations.values());
    }
}
