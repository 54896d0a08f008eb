package io.mlship.sandbox.vertex;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs a deployed model's serving container for the emulator (see {@link ImageServing}). */
public interface ServingRuntime {

    /** Starts the server; returns once its health route answers 200. */
    Server start(Request request) throws Exception;

    /**
     * One deployed model's container, as Vertex AI would start it.
     *
     * @param deployedModelId the DeployedModel's id
     * @param imageUri        {@code containerSpec.imageUri}
     * @param command         replaces the image's Entrypoint when not empty ({@code $(VAR)} already expanded)
     * @param args            replaces the image's Cmd when not empty
     * @param env             every variable: Vertex AI's {@code AIP_*}, the spec's env, the sandbox's own
     * @param port            the loopback port it must listen on ({@code AIP_HTTP_PORT})
     * @param healthRoute     the path polled until it answers 200
     * @param healthTimeout   how long to wait for that
     */
    record Request(String deployedModelId, String imageUri, List<String> command, List<String> args,
                   Map<String, String> env, int port, String healthRoute, Duration healthTimeout) {
        public Request {
            command = List.copyOf(command);
            args = List.copyOf(args);
            env = Map.copyOf(env);
        }
    }

    /** A running model server, reached on loopback. */
    interface Server extends AutoCloseable {
        int port();

        @Override
        void close();
    }
}
