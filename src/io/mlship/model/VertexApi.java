package io.mlship.model;

/** Where the Vertex AI API is: the regional Google endpoint with ADC, or the emulator on loopback without credentials. */
public record VertexApi(String grpcEndpoint, boolean emulator) {

    public static VertexApi google(String region) {
        return new VertexApi(region + "-aiplatform.googleapis.com:443", false);
    }

    public static VertexApi emulator(String address) {
        return new VertexApi(address, true);
    }
}
