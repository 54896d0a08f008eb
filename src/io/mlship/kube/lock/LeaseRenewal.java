package io.mlship.kube.lock;

import io.mlship.progress.Progress;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The holder's side of expiry: renews on a schedule and says so, once, when this release may no longer hold the
 * lock — renewals failing for longer than the lease lasts, or another release holding it. Elapsed time is this
 * process's monotonic clock: only a duration is measured, so no other clock matters.
 */
final class LeaseRenewal implements Runnable {
    private final Supplier<String> renewOnce;
    private final Duration leaseDuration;
    private final Progress progress;
    private final String what;
    private long lastRenewedNanos = System.nanoTime();
    private boolean warned;

    /** @param renewOnce renews; returns null, or who holds the lease when this release no longer does */
    LeaseRenewal(Supplier<String> renewOnce, Duration leaseDuration, Progress progress, String what) {
        this.renewOnce = renewOnce;
        this.leaseDuration = leaseDuration;
        this.progress = progress;
        this.what = what;
    }

    @Override
    public synchronized void run() {
        try {
            String other = renewOnce.get();
            if (other == null) {
                lastRenewedNanos = System.nanoTime();
            } else if (!warned) {
                warned = true;
                progress.warn("the release lock " + what + " is now held by " + other
                        + ": another release of this service to this environment may run beside this one");
            }
        } catch (RuntimeException e) {
            Duration since = Duration.ofNanos(System.nanoTime() - lastRenewedNanos);
            if (since.compareTo(leaseDuration) > 0 && !warned) {
                warned = true;
                progress.warn("the release lock " + what + " has not been renewed for " + since.toSeconds() + "s ("
                        + e.getMessage() + "): it has expired, and another release may take it over");
            } else {
                progress.step("renewing the release lock failed (" + e.getMessage() + "); retrying");
            }
        }
    }
}
