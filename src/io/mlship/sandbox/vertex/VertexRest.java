package io.mlship.sandbox.vertex;

/** The v1 REST mapping of the emulator's state (filled in with the REST slice). */
final class VertexRest implements AutoCloseable {
    private VertexRest() {
    }

    static VertexRest start(VertexState state, Predictor predictor, int port) {
        return null;
    }

    int port() {
        return 0;
    }

    @Override
    public void close() {
    }
}
