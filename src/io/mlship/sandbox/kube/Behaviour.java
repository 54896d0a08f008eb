package io.mlship.sandbox.kube;

/** What the simulated cluster does with pods of one image. */
public enum Behaviour {
    /** Pods start and become ready; the rollout completes. */
    SUCCEED,
    /** Pods stay Pending until the progress deadline: the Deployment reports ProgressDeadlineExceeded. */
    HANG,
    /** The container exits 1 on start, again and again: CrashLoopBackOff with the exit message. */
    CRASH_LOOP,
    /** The image cannot be pulled: ImagePullBackOff. */
    IMAGE_PULL_FAILURE,
    /**
     * The container runs but its readiness probe keeps failing, one more failure each probe period: the Deployment
     * reports ProgressDeadlineExceeded at the progress deadline.
     */
    NOT_READY,
    /**
     * A slow start (a model loading its embeddings): the readiness probe fails for a number of probe periods,
     * each counted on the Unhealthy event as the kubelet does, then passes and the rollout completes.
     */
    SLOW_READY
}
