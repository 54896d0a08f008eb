package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.sandbox.serving.Workload;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Plays the kubelet for pods whose image the runtime really runs. A revision's pods run (not ready) while its
 * one server starts, or keeps running from before (a rollback finds the previous revision's server still up);
 * then a probe loop decides: ready when the readiness check passes (the rollout completes, the other revisions'
 * servers stop, Services selecting the pods get the URL), CrashLoopBackOff when the server exits, or
 * ProgressDeadlineExceeded when the Deployment's deadline passes first.
 */
final class ServingPods {
    private static final Duration PROBE_INTERVAL = Duration.ofMillis(100);
    private static final int DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

    /** One revision's wait for readiness, re-checked every {@link #PROBE_INTERVAL} on the controllers' thread. */
    private record Probe(Rollout rollout, String path, long deadlineNanos) {
    }

    private final KubernetesClient client;
    private final String namespace;
    private final ScheduledExecutorService worker;
    private final RevisionServers servers;
    private final ServicePublisher publisher;
    private final Pods pods;
    private final RolloutProgress progress;
    private final RolloutTracker tracker;
    /** True once the simulator is closing: probes still queued give up. */
    private final BooleanSupplier closing;

    ServingPods(ControllerScope c, RevisionServers servers, ServicePublisher publisher, Pods pods, RolloutProgress progress,
                RolloutTracker tracker) {
        this.client = c.client();
        this.namespace = c.namespace();
        this.worker = c.worker();
        this.closing = c.closing();
        this.servers = servers;
        this.publisher = publisher;
        this.pods = pods;
        this.progress = progress;
        this.tracker = tracker;
    }

    boolean canRun(String image) {
        return servers.canRun(image);
    }

    /** Starts (or finds running) the revision's server and begins probing it. */
    void serve(Rollout r, int old) {
        Container c = r.container();
        pods.writeAll(r, status(c).withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build(),
                "Running", false);
        progress.progressing(r, old);
        Workload server = servers.get(r.key());
        if (server != null && server.exit().isPresent()) {
            servers.stop(r.key());
            server = null;
        }
        if (server == null) {
            try {
                servers.start(r, ContainerEnv.resolve(client, namespace, c));
            } catch (Exception e) {
                pods.writeAll(r, status(c).withNewState().withNewWaiting().withReason("CreateContainerError")
                        .withMessage(servers.runtimeName() + " runtime: " + e.getMessage()).endWaiting().endState().build(), "Pending", false);
                return;
            }
        }
        Integer spec = r.deployment().getSpec().getProgressDeadlineSeconds();
        int deadlineSeconds = spec == null ? DEFAULT_PROGRESS_DEADLINE_SECONDS : spec;
        Probe probe = new Probe(r, ReadinessCheck.path(c), System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds));
        worker.execute(() -> probe(probe));
    }

    /** Scaled to zero: nothing serves. */
    void stop(String deployment) {
        servers.stopAllBut(deployment, null);
    }

    /** The Deployment is gone: its servers stop and its Services are no longer pointed anywhere new. */
    void forget(String deployment) {
        stop(deployment);
        publisher.forget(deployment);
    }

    private void probe(Probe p) {
        Rollout r = p.rollout();
        Workload server = servers.get(r.key());
        if (closing.getAsBoolean() || server == null || !tracker.isCurrent(r.name(), r.key())) {
            return; // stopped, or a newer template took over
        }
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(r.name()).get();
        if (d == null) {
            return;
        }
        Rollout now = r.reread(d);
        Optional<Workload.Exit> exit = server.exit();
        if (exit.isPresent()) {
            servers.stop(r.key());
            crashed(now, server, exit.get());
        } else if (ReadinessCheck.passes(server.port(), p.path())) {
            ready(now, server);
        } else if (System.nanoTime() > p.deadlineNanos()) {
            progress.deadlineExceeded(r.name(), r.replicaSetName());
        } else {
            worker.schedule(() -> probe(p), PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void crashed(Rollout r, Workload server, Workload.Exit exit) {
        Container c = r.container();
        String message = exit.lastLines().isBlank() ? "(it wrote nothing; see " + server.logLocation() + ")" : exit.lastLines();
        pods.writeAll(r, status(c)
                .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                .withMessage("back-off restarting failed container=" + c.getName() + " (its server exited " + exit.code() + ")")
                .endWaiting().endState()
                .withNewLastState().withNewTerminated().withExitCode(exit.code()).withReason("Error")
                .withMessage(message).endTerminated().endLastState().build(), "Running", false);
        String pod = Pods.name(r.replicaSet(), 0);
        pods.warn(pod, "BackOff", "Back-off restarting failed container " + c.getName()
                + " in pod " + pod + " (exit code " + exit.code() + ")", 1);
    }

    private void ready(Rollout r, Workload server) {
        ContainerStatus up = status(r.container()).withReady(true)
                .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build();
        pods.writeAll(r, up, "Running", true);
        servers.stopAllBut(r.name(), r.key());
        String url = "http://127.0.0.1:" + server.port();
        publisher.publish(r.name(), r.deployment().getSpec().getTemplate().getMetadata().getLabels(), url);
        progress.complete(r, pods.ofOtherTemplates(r.deployment(), r.hash()));
        System.err.println("[sandbox] " + namespace + "/" + r.name() + " revision " + r.revision() + " serves on " + url);
    }

    /** The container status every state here starts from: no restarts, not ready. */
    private static ContainerStatusBuilder status(Container c) {
        return new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withRestartCount(0).withReady(false);
    }
}
