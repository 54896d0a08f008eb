package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;

/**
 * Plays the kubelet for pods whose image is not really run: the container's state, the pod's phase and the
 * events are what the image's {@link Behaviour} says a real kubelet would report.
 */
final class ScriptedPods {
    private final Pods pods;
    /** What a crash-looping container last wrote (its terminated state's message). */
    private final String crashMessage;

    ScriptedPods(Pods pods, String crashMessage) {
        this.pods = pods;
        this.crashMessage = crashMessage;
    }

    /** Every pod of the rollout behaves like this. */
    void startAll(Rollout r, Behaviour behaviour) {
        for (int i = 0; i < r.replicas(); i++) {
            start(r, i, behaviour);
        }
    }

    private void start(Rollout r, int index, Behaviour behaviour) {
        String podName = Pods.name(r.replicaSet(), index);
        Container c = r.container();
        String container = c.getName();
        String image = c.getImage();
        Pod created = pods.ensure(r.deployment(), r.replicaSet(), index);
        ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(container).withImage(image).withRestartCount(0);
        String phase = "Running";
        boolean ready = false;
        switch (behaviour) {
            case SUCCEED -> {
                cs.withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().withReady(true);
                ready = true;
            }
            case HANG -> {
                phase = "Pending";
                cs.withNewState().withNewWaiting().withReason("ContainerCreating").endWaiting().endState().withReady(false);
            }
            case CRASH_LOOP -> {
                cs.withRestartCount(3).withReady(false)
                        .withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                        .withMessage("back-off 40s restarting failed container=" + container + " pod=" + podName).endWaiting().endState()
                        .withNewLastState().withNewTerminated().withExitCode(1).withReason("Error").withMessage(crashMessage).endTerminated().endLastState();
                pods.warn(podName, "BackOff", "Back-off restarting failed container " + container + " in pod " + podName, 3);
            }
            case IMAGE_PULL_FAILURE -> {
                phase = "Pending";
                cs.withReady(false).withNewState().withNewWaiting().withReason("ImagePullBackOff")
                        .withMessage("Back-off pulling image \"" + image + "\"").endWaiting().endState();
                pods.warn(podName, "Failed", "Failed to pull image \"" + image + "\": rpc error: code = NotFound desc = failed to pull and unpack image: not found", 2);
            }
            case NOT_READY, SLOW_READY -> // the probes that fail are counted by ProbingPods, period by period
                    cs.withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState().withReady(false);
        }
        pods.writeStatus(created, cs.build(), phase, ready);
    }

    /**
     * The pods cannot start because a Secret they refer to is missing: stuck in ContainerCreating with FailedMount
     * events (a volume), or waiting with CreateContainerConfigError (env), as the kubelet reports them.
     */
    void cannotStart(Rollout r, SecretRefCheck.Missing missing) {
        Container c = r.container();
        ContainerStatusBuilder cs = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage()).withRestartCount(0)
                .withReady(false).withNewState().withNewWaiting()
                .withReason(missing.mount() ? "ContainerCreating" : "CreateContainerConfigError")
                .withMessage(missing.mount() ? null : missing.message()).endWaiting().endState();
        pods.writeAll(r, cs.build(), "Pending", false);
        for (int i = 0; i < r.replicas(); i++) {
            String podName = Pods.name(r.replicaSet(), i);
            if (missing.mount()) {
                pods.warn(podName, "FailedMount", missing.message(), 1);
            } else {
                pods.warn(podName, "Failed", "Error: " + missing.message(), 1);
            }
        }
    }
}
