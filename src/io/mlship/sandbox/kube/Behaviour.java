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
    /** The container runs but its readiness probe keeps failing. */
    NOT_READY
}
