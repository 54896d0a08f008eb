package io.mlship.sandbox.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What to run: one Deployment revision, or one deployed model of the Vertex AI emulator.
 *
 * @param name         unique per server, safe in file and container names ({@code namespace-deployment-hash})
 * @param image        the image reference ({@code registry/repo@sha256:…})
 * @param command      replaces the image's Entrypoint when not empty (Kubernetes' {@code command})
 * @param args         replaces the image's Cmd when not empty (Kubernetes' {@code args})
 * @param env          the container's environment, without the port variable
 * @param portVariable the variable that tells the server its port: {@code PORT} in the cluster, {@code AIP_HTTP_PORT}
 *                     for Vertex AI
 * @param port         the loopback port it must listen on
 */
public record WorkloadRequest(String name, String image, List<String> command, List<String> args,
                             Map<String, String> env, String portVariable, int port) {
    public WorkloadRequest {
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new IllegalArgumentException("workload name '" + name + "' must match [a-zA-Z0-9][a-zA-Z0-9_.-]*");
        }
        if (!portVariable.matches("[A-Z_][A-Z0-9_]*")) {
            throw new IllegalArgumentException("port variable '" + portVariable + "' must match [A-Z_][A-Z0-9_]*");
        }
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(env));
    }

    /** A server run as the image says (its Entrypoint and Cmd), told its port in {@code PORT}. */
    public WorkloadRequest(String name, String image, Map<String, String> env, int port) {
        this(name, image, List.of(), List.of(), env, "PORT", port);
    }

    /**
     * What runs, as Kubernetes decides it: {@code command} replaces the Entrypoint and drops the Cmd, {@code args}
     * replaces the Cmd.
     */
    public List<String> commandLine(List<String> entrypoint, List<String> cmd) {
        List<String> line = new ArrayList<>(command.isEmpty() ? entrypoint : command);
        line.addAll(!args.isEmpty() ? args : command.isEmpty() ? cmd : List.of());
        return line;
    }
}
