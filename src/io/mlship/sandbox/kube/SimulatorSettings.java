package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.sandbox.serving.WorkloadRuntime;
import io.mlship.sandbox.tls.SandboxCa;
import java.time.Duration;
import java.util.function.Function;

/**
 * How a {@link RolloutSimulator} plays one namespace's controllers, as its builder left it.
 *
 * @param behaviourOfImage what pods of an image do, unless the runtime really runs it
 * @param progressDeadline how long a hanging rollout takes to report ProgressDeadlineExceeded
 * @param workloads        the runtime that really runs images, or null for none
 * @param ingressAddress   the address Ingresses get
 * @param crashMessage     what a crash-looping container last wrote
 * @param ca               the CA certificates are issued from, or null for Ready conditions without Secrets
 * @param probePeriod      how long one readiness probe period of a scripted pod lasts (scaled down, like the deadline)
 * @param slowReadyFailures how many probes a {@link Behaviour#SLOW_READY} pod fails before it is ready
 * @param router           where the hosts are routed over HTTP (the sandbox's router), behind each host's TLS; null:
 *                         TLS goes straight to the Ingress's backend Service
 */
record SimulatorSettings(KubernetesClient client, String namespace, Function<String, Behaviour> behaviourOfImage,
                         Duration progressDeadline, WorkloadRuntime workloads, String ingressAddress, String crashMessage,
                         SandboxCa ca, Duration probePeriod, int slowReadyFailures, java.net.InetSocketAddress router) {
}
