package io.mlship.sandbox.vertex;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** An error the real API would give, with its canonical code; becomes a gRPC status or an HTTP error. */
final class ApiError extends RuntimeException {
    private final Status.Code code;

    ApiError(Status.Code code, String message) {
        super(message);
        this.code = code;
    }

    Status.Code code() {
        return code;
    }

    StatusRuntimeException toStatus() {
        return Status.fromCode(code).withDescription(getMessage()).asRuntimeException();
    }

    int httpStatus() {
        return switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
            case NOT_FOUND -> 404;
            case ALREADY_EXISTS, ABORTED -> 409;
            case PERMISSION_DENIED -> 403;
            case UNAUTHENTICATED -> 401;
            case UNIMPLEMENTED -> 501;
            case UNAVAILABLE -> 503;
            default -> 500;
        };
    }

    static ApiError invalid(String message) {
        return new ApiError(Status.Code.INVALID_ARGUMENT, message);
    }

    static ApiError notFound(String message) {
        return new ApiError(Status.Code.NOT_FOUND, message);
    }

    static ApiError precondition(String message) {
        return new ApiError(Status.Code.FAILED_PRECONDITION, message);
    }

    static ApiError exists(String message) {
        return new ApiError(Status.Code.ALREADY_EXISTS, message);
    }
}
