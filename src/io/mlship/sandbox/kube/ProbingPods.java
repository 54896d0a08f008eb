package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * Plays the kubelet's readiness probe for scripted pods that run without being ready ({@link Behaviour#NOT_READY},
 * {@link Behaviour#SLOW_READY}): every probe period each pod's "Readiness probe failed" event counts one more
 * failure, as a real kubelet's would; a slow pod passes after its configured number of failures and the rollout
 * completes. Probe periods are scaled down (like the simulator's progress deadline), so a pod that would take
 * 90 s in a cluster (18 failures of a 5 s probe) takes a fraction of a second here, with the same sequence of
 * states and events.
 */
final class ProbingPods {
    static final String PROBE_FAILED = "Readiness probe failed: HTTP probe failed with statuscode: 503";

    private final ControllerScope scope;
    private final Pods pods;
    private final RolloutProgress progress;
    private final RolloutTracker tracker;
    private final Duration probePeriod;
    private final int slowReadyFailures;

    ProbingPods(ControllerScope scope, Pods pods, RolloutProgress progress, RolloutTracker tracker, Duration probePeriod,
                int slowReadyFailures) {
        this.scope = scope;
        this.pods = pods;
        this.progress = progress;
        this.tracker = tracker;
        this.probePeriod = probePeriod;
        this.slowReadyFailures = slowReadyFailures;
    }

    /** Starts probing the rollout's pods, which ScriptedPods left running and not ready. */
    void start(Rollout r, Behaviour behaviour) {
        probe(r, behaviour, 1);
    }

    private void probe(Rollout r, Behaviour behaviour, int attempt) {
        if (scope.closing().getAsBoolean() || !tracker.isCurrent(r.name(), r.key())) {
            return; // stopped, or a newer template (a rollback) took over
        }
        if (behaviour == Behaviour.SLOW_READY && attempt > slowReadyFailures) {
            ready(r);
            return;
        }
        for (int i = 0; i < r.replicas(); i++) {
            pods.warnAgain(Pods.name(r.replicaSet(), i), "Unhealthy", PROBE_FAILED);
        }
        scope.worker().schedule(() -> probe(r, behaviour, attempt + 1), probePeriod.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ready(Rollout r) {
        Container c = r.container();
        pods.writeAll(r, new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withRestartCount(0).withReady(true)
                .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().build(), "Running", true);
        progress.complete(r, pods.ofOtherTemplates(r.deployment(), r.hash()));
    }
}
