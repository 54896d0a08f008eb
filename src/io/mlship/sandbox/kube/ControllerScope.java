package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;

/**
 * What one namespace's controllers share.
 *
 * @param client    the API they read and write
 * @param namespace the namespace they play the controllers of
 * @param worker    the one thread they all work on, so watch callbacks stay short and their state needs no locks
 * @param closing   true once the simulator is closing, for work already queued to give up
 */
record ControllerScope(KubernetesClient client, String namespace, ScheduledExecutorService worker, BooleanSupplier closing) {
}
