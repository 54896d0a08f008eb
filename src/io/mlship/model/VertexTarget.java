package io.mlship.model;

/** Where the Vertex AI API is: the regional Google endpoint with ADC, or the emulator on loopback without credentials. */
public record VertexTarget(String grpcEndpoint, boolean emulator) {

    public static VertexTarget google(String region) {
        return new VertexTarget(region + "-aiplatform.googleapis.com:443", false);
    }

    public static VertexTarget emulator(String address) {
        return new VertexTarget(address, true);
    }
}
