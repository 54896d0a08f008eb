package io.mlship.sandbox.vertex;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Runs one gRPC call against the state, turning the API's errors into statuses. */
final class GrpcCalls {
    private GrpcCalls() {
    }

    static <T> void answer(StreamObserver<T> observer, Supplier<T> call) {
        T value;
        try {
            value = call.get();
        } catch (ApiError e) {
            observer.onError(e.toStatus());
            return;
        } catch (RuntimeException e) {
            observer.onError(Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).asRuntimeException());
            return;
        }
        observer.onNext(value);
        observer.onCompleted();
    }
}
