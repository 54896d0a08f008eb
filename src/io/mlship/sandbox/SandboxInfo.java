package io.mlship.sandbox;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How to reach a running sandbox; {@code sandbox up} prints it and keeps it in the state folder. A service
 * the sandbox does not run (yet) is null.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record SandboxInfo(String vertexGrpc, String vertexRest, String storageRoot, String kubeconfig, Long pid) {
}
