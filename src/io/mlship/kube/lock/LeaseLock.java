package io.mlship.kube.lock;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The release lock as a Kubernetes Lease ({@code coordination.k8s.io/v1}) in the environment's namespace, the
 * same object controllers use for leader election. Taken with optimistic concurrency (create, or replace at the
 * read resourceVersion), renewed in the background while the release runs, deleted at the end. A holder that
 * died stops renewing, so its lease expires and the next release takes it over.
 */
public final class LeaseLock implements ReleaseLock {
    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String holder;
    private final Duration leaseDuration;
    private final Progress progress;
    private final Clock clock;

    /**
     * @param who the build or person releasing (e.g. the Jenkins build URL); a unique suffix tells two runs of
     *            the same build apart
     */
    public LeaseLock(KubernetesClient client, String namespace, String service, String env, String who,
                     Duration leaseDuration, Progress progress, Clock clock) {
        this.client = client;
        this.namespace = namespace;
        this.name = leaseName(service, env);
        this.holder = who + " #" + UUID.randomUUID().toString().substring(0, 8);
        this.leaseDuration = leaseDuration;
        this.progress = progress;
        this.clock = clock;
    }

    public static String leaseName(String service, String env) {
        return "mlship-release-" + service + "-" + env;
    }

    public String holder() {
        return holder;
    }

    @Override
    public Held acquire(Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        Instant nextNote = Instant.MIN;
        while (true) {
            Lease lease = leases().withName(name).get();
            Instant now = clock.instant();
            try {
                if (lease == null) {
                    leases().resource(fresh(now, 0)).create();
                    return held(now);
                }
                if (free(lease, now)) {
                    Lease taken = fresh(now, transitions(lease) + 1);
                    taken.getMetadata().setResourceVersion(lease.getMetadata().getResourceVersion());
                    leases().resource(taken).update();
                    if (lease.getSpec().getHolderIdentity() != null && !lease.getSpec().getHolderIdentity().isEmpty()) {
                        progress.step("took over the release lock from " + lease.getSpec().getHolderIdentity()
                                + ", whose lease had expired");
                    }
                    return held(now);
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw MlshipException.infrastructure("cannot take the release lock Lease/" + name + " in namespace "
                            + namespace + ": " + e.getMessage(), "check the API server and that mlship may manage leases "
                            + "(coordination.k8s.io) in this namespace; or pass --lock none when the pipeline holds a lock", e);
                }
                continue; // someone else wrote it between our read and write: read again
            }
            if (!now.isBefore(deadline)) {
                throw MlshipException.infrastructure("another release of this service to this environment is running: "
                                + "Lease/" + name + " is held by " + lease.getSpec().getHolderIdentity() + " since "
                                + lease.getSpec().getAcquireTime() + " (waited " + timeout.toSeconds() + "s)",
                        "wait for that release to finish, or raise --lock-timeout; if that build died, its lease expires "
                                + lease.getSpec().getLeaseDurationSeconds() + "s after its last renewal", null);
            }
            if (!now.isBefore(nextNote)) {
                progress.step("waiting for the release lock: held by " + lease.getSpec().getHolderIdentity()
                        + " since " + lease.getSpec().getAcquireTime() + "; giving up in "
                        + Duration.between(now, deadline).toSeconds() + "s");
                nextNote = now.plusSeconds(30);
            }
            awaitChange(lease, Duration.between(now, deadline));
        }
    }

    /** Waits until the lease is deleted or changed, or it would expire, whichever is first. */
    private void awaitChange(Lease seen, Duration left) {
        Instant expiry = renewTime(seen).plusSeconds(durationSeconds(seen));
        long waitMs = Math.max(50, Math.min(left.toMillis(), Duration.between(clock.instant(), expiry).toMillis() + 50));
        String version = seen.getMetadata().getResourceVersion();
        try {
            leases().withName(name).waitUntilCondition(l -> l == null || !version.equals(l.getMetadata().getResourceVersion()),
                    waitMs, TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException expiredOrStillHeld) {
            // look again: it may have expired
        }
    }

    private boolean free(Lease lease, Instant now) {
        String who = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
        if (who == null || who.isEmpty() || who.equals(holder)) {
            return true;
        }
        return now.isAfter(renewTime(lease).plusSeconds(durationSeconds(lease)));
    }

    private static Instant renewTime(Lease lease) {
        ZonedDateTime t = lease.getSpec().getRenewTime() != null ? lease.getSpec().getRenewTime() : lease.getSpec().getAcquireTime();
        return t == null ? Instant.EPOCH : t.toInstant();
    }

    private static long durationSeconds(Lease lease) {
        return lease.getSpec().getLeaseDurationSeconds() == null ? 0 : lease.getSpec().getLeaseDurationSeconds();
    }

    private static int transitions(Lease lease) {
        return lease.getSpec().getLeaseTransitions() == null ? 0 : lease.getSpec().getLeaseTransitions();
    }

    private Lease fresh(Instant now, int transitions) {
        return new LeaseBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "mlship").endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds((int) leaseDuration.toSeconds())
                .withAcquireTime(now.atZone(ZoneOffset.UTC)).withRenewTime(now.atZone(ZoneOffset.UTC))
                .withLeaseTransitions(transitions).endSpec().build();
    }

    private Held held(Instant at) {
        progress.step("holding the release lock Lease/" + name + " in namespace " + namespace);
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mlship-lease-renewer");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, leaseDuration.toSeconds() / 3);
        renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.SECONDS);
        // A build that is stopped (Jenkins sends SIGTERM) gives the lock back on its way out, so the next release
        // does not wait for the lease to expire.
        Thread onExit = new Thread(() -> {
            renewer.shutdownNow();
            releaseLease();
        }, "mlship-lease-release");
        Runtime.getRuntime().addShutdownHook(onExit);
        return () -> {
            renewer.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                return; // the hook releases it
            }
            releaseLease();
            progress.step("released the release lock");
        };
    }

    private void releaseLease() {
        try {
            Lease lease = leases().withName(name).get();
            if (lease != null && holder.equals(lease.getSpec().getHolderIdentity())) {
                leases().withName(name).delete();
            }
        } catch (RuntimeException e) {
            progress.step("could not delete Lease/" + name + " (" + e.getMessage()
                    + "); it expires by itself in " + leaseDuration.toSeconds() + "s");
        }
    }

    private void renew() {
        try {
            leases().withName(name).edit(l -> {
                if (holder.equals(l.getSpec().getHolderIdentity())) {
                    l.getSpec().setRenewTime(clock.instant().atZone(ZoneOffset.UTC));
                }
                return l;
            });
        } catch (RuntimeException e) {
            progress.step("renewing the release lock failed (" + e.getMessage() + "); retrying");
        }
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Lease, io.fabric8.kubernetes.api.model.coordination.v1.LeaseList,
            io.fabric8.kubernetes.client.dsl.Resource<Lease>> leases() {
        return client.leases().inNamespace(namespace);
    }
}
