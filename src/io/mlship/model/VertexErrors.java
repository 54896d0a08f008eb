package io.mlship.model;

import com.google.api.gax.rpc.ApiException;
import io.mlship.result.MlshipException;

/** An error the Vertex AI API answered with, said plainly, with what to do about it. */
final class VertexErrors {
    private VertexErrors() {
    }

    static MlshipException of(ApiException e) {
        String code = e.getStatusCode().getCode().name();
        String hint = switch (e.getStatusCode().getCode()) {
            case PERMISSION_DENIED, UNAUTHENTICATED -> "the agent's credentials may not do this: grant its service account "
                    + "roles/aiplatform.user on the Vertex AI project (and storage read on the artifacts)";
            case NOT_FOUND -> "check the environment's Vertex AI project and region, and that the Vertex AI API is enabled";
            case INVALID_ARGUMENT, FAILED_PRECONDITION, ALREADY_EXISTS -> "Vertex AI refused the request; the message says why";
            case UNAVAILABLE, DEADLINE_EXCEEDED -> "Vertex AI did not answer in time; run the same command again";
            default -> "run the same command again; it resumes where it stopped";
        };
        return MlshipException.infrastructure("Vertex AI answered " + code + ": " + e.getMessage(), hint, e);
    }
}
