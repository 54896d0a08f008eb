package io.mlship.sandbox.storage;

/**
 * A request the JSON API refuses: the HTTP status, the {@code reason} of its error body (as Cloud Storage names
 * them: notFound, conditionNotMet, invalid, …) and a message saying what was wrong.
 */
final class ApiError extends RuntimeException {
    final int code;
    final String reason;

    ApiError(int code, String reason, String message) {
        super(message);
        this.code = code;
        this.reason = reason;
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "notFound", message);
    }

    static ApiError invalid(String message) {
        return new ApiError(400, "invalid", message);
    }

    static ApiError conditionNotMet(String message) {
        return new ApiError(412, "conditionNotMet", message);
    }
}
