package io.mlship.jenkins

/** What the fake `error` step throws, like Jenkins' AbortException: the build stops with this message. */
class PipelineFailure extends RuntimeException {
    PipelineFailure(String message) {
        super(message)
    }
}
