package io.mlship.sandbox;

import io.mlship.sandbox.vertex.VertexEmulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox's services in this process: Cloud Storage as a local folder and the Vertex AI emulator. Further
 * services (Kubernetes) are added here; each fills its part of {@link SandboxInfo}.
 */
public final class Sandbox implements AutoCloseable {
    private final SandboxStateDir state;
    private final VertexEmulator vertex;
    private final List<AutoCloseable> services = new ArrayList<>();

    private Sandbox(SandboxStateDir state, VertexEmulator vertex) {
        this.state = state;
        this.vertex = vertex;
        services.add(vertex);
    }

    /** Starts every service; {@code mounts} map serving-container paths to host folders (e.g. /app → the repo). */
    public static Sandbox start(SandboxStateDir state, Map<String, Path> mounts) throws IOException {
        Files.createDirectories(state.storageRoot());
        Files.createDirectories(state.workDir());
        VertexEmulator.Builder b = VertexEmulator.builder(state.storageRoot(), state.workDir().resolve("vertex"));
        mounts.forEach(b::mount);
        return new Sandbox(state, b.start());
    }

    public SandboxInfo info() {
        return new SandboxInfo(vertex.grpcAddress(), vertex.restUrl(), state.storageRoot().toString(), null,
                ProcessHandle.current().pid());
    }

    public VertexEmulator vertex() {
        return vertex;
    }

    /** Announces the running services in the state folder. */
    public SandboxInfo publish() throws IOException {
        SandboxInfo info = info();
        state.write(info);
        return info;
    }

    @Override
    public void close() {
        for (AutoCloseable s : services) {
            try {
                s.close();
            } catch (Exception e) {
                System.err.println("[mlship sandbox] stopping " + s + ": " + e.getMessage());
            }
        }
        try {
            state.clear();
        } catch (IOException e) {
            System.err.println("[mlship sandbox] cannot remove " + state.infoFile() + ": " + e.getMessage());
        }
    }
}
