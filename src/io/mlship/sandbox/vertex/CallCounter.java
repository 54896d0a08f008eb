package io.mlship.sandbox.vertex;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many calls the emulator received, per method: gRPC ones by their full method name
 * ({@code google.cloud.aiplatform.v1.ModelService/ListModelVersions}), REST ones by verb and path with the ids
 * replaced ({@code GET /v1/projects/*}{@code /locations/*}{@code /models/*:listVersions}). Lets a test or a
 * benchmark say exactly which calls a command made, refused ones included.
 */
public final class CallCounter {
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void record(String method) {
        counts.computeIfAbsent(method, k -> new LongAdder()).increment();
    }

    /** The counts so far, sorted by method. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            long n = v.sum();
            if (n > 0) {
                out.put(k, n);
            }
        });
        return out;
    }

    /** Returns the counts so far and starts again from zero. */
    public Map<String, Long> reset() {
        Map<String, Long> out = new TreeMap<>();
        for (String k : counts.keySet()) {
            LongAdder v = counts.remove(k);
            if (v != null && v.sum() > 0) {
                out.put(k, v.sum());
            }
        }
        return out;
    }

    /** The interceptor that counts every gRPC call before anything else sees it. */
    io.grpc.ServerInterceptor grpcInterceptor() {
        return new io.grpc.ServerInterceptor() {
            @Override
            public <Q, A> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, A> call,
                    io.grpc.Metadata headers, io.grpc.ServerCallHandler<Q, A> next) {
                record(call.getMethodDescriptor().getFullMethodName());
                return next.startCall(call, headers);
            }
        };
    }
}
