package io.mlship.sandbox.serving;

import java.util.Map;
import java.util.TreeMap;

/**
 * What to run for one Deployment revision.
 *
 * @param name  unique per revision, safe in file and container names ({@code namespace-deployment-hash})
 * @param image the pod's image reference ({@code registry/repo@sha256:…})
 * @param env   the container's environment from the pod spec (env and envFrom resolved), without PORT
 * @param port  the loopback port it must listen on (passed as {@code PORT})
 */
public record WorkloadRequest(String name, String image, Map<String, String> env, int port) {
    public WorkloadRequest {
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new IllegalArgumentException("workload name '" + name + "' must match [a-zA-Z0-9][a-zA-Z0-9_.-]*");
        }
        env = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(env));
    }
}
