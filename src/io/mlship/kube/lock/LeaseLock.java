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
 *
 * <p>Expiry never compares the agent's clock with another machine's. Times written into the Lease are the API
 * server's (the {@code Date} of the answer to the read just before the write), and a waiter compares them with the
 * server's time of its own read: one clock, so a skewed agent can neither steal a live lease nor wait forever for
 * a dead one. As client-go's leader election does, a waiter also counts a lease whose record stayed unchanged for
 * its whole duration, timed on the waiter's own monotonic clock, as expired: that needs no shared clock at all and
 * still works when a proxy drops {@code Date} or a holder wrote a wrong time. The first rule alone lets a waiter take
 * over a long-dead lease at once instead of watching it for a full duration first.
 */
public final class LeaseLock implements ReleaseLock {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** The {@code Date} header counts whole seconds. */
    private static final Duration DATE_RESOLUTION = Duration.ofSeconds(1);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String holder;
    private final Duration leaseDuration;
    private final Progress progress;
    private final Clock clock;
    private final LeaseReads reads;

    /**
     * @param who   the build or person releasing (e.g. the Jenkins build URL); a unique suffix tells two runs of
     *              the same build apart
     * @param clock the agent's clock, used only for how long to wait ({@code --lock-timeout}), never for expiry
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
        this.reads = new LeaseReads(client, namespace, name, READ_TIMEOUT);
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
        Unchanged unchanged = new Unchanged();
        while (true) {
            LeaseReads.Observed seen = read();
            Lease lease = seen.lease();
            Instant now = clock.instant();
            try {
                if (lease == null) {
                    leases().resource(fresh(stamp(seen), 0)).create();
                    return held();
                }
                Duration quiet = unchanged.since(lease);
                if (free(lease, seen.serverTime(), quiet)) {
                    Lease taken = fresh(stamp(seen), transitions(lease) + 1);
                    taken.getMetadata().setResourceVersion(lease.getMetadata().getResourceVersion());
                    leases().resource(taken).update();
                    if (lease.getSpec().getHolderIdentity() != null && !lease.getSpec().getHolderIdentity().isEmpty()) {
                        progress.step("took over the release lock from " + lease.getSpec().getHolderIdentity()
                                + ", whose lease had expired");
                    }
                    return held();
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw cannotManage(e);
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
            awaitChange(lease, untilExpiry(lease, seen.serverTime(), unchanged.since(lease)), Duration.between(now, deadline));
        }
    }

    private LeaseReads.Observed read() {
        try {
            return reads.read();
        } catch (KubernetesClientException e) {
            throw cannotManage(e);
        }
    }

    private MlshipException cannotManage(KubernetesClientException e) {
        return MlshipException.infrastructure("cannot take the release lock Lease/" + name + " in namespace "
                + namespace + ": " + e.getMessage(), "check the API server and that mlship may get, list, watch, create, "
                + "update and delete leases (coordination.k8s.io) in this namespace (docs/PERMISSIONS.md)", e);
    }

    /** Waits until the lease is deleted or changed, or it may have expired, whichever is first. */
    private void awaitChange(Lease seen, Duration untilExpiry, Duration left) {
        long waitMs = Math.max(50, Math.min(left.toMillis(), untilExpiry.toMillis()));
        String version = seen.getMetadata().getResourceVersion();
        try {
            leases().withName(name).waitUntilCondition(l -> l == null || !version.equals(l.getMetadata().getResourceVersion()),
                    waitMs, TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException expiredOrStillHeld) {
            // look again: it may have expired
        }
    }

    private boolean free(Lease lease, Instant serverTime, Duration quiet) {
        String who = lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
        if (who == null || who.isEmpty() || who.equals(holder)) {
            return true;
        }
        Duration duration = Duration.ofSeconds(durationSeconds(lease));
        boolean expiredByServer = serverTime != null && serverTime.isAfter(renewTime(lease).plus(duration));
        return expiredByServer || quiet.compareTo(duration) >= 0;
    }

    /** How long until either rule could call the lease expired, plus the Date header's resolution. */
    private static Duration untilExpiry(Lease lease, Instant serverTime, Duration quiet) {
        Duration duration = Duration.ofSeconds(durationSeconds(lease));
        Duration byObservation = duration.minus(quiet);
        Duration byServer = serverTime == null ? byObservation
                : Duration.between(serverTime, renewTime(lease).plus(duration));
        Duration first = byServer.compareTo(byObservation) < 0 ? byServer : byObservation;
        return first.plus(DATE_RESOLUTION);
    }

    /** The time to write into the Lease: the server's; the agent's only when the server's answer had no Date. */
    private ZonedDateTime stamp(LeaseReads.Observed seen) {
        return (seen.serverTime() != null ? seen.serverTime() : clock.instant()).atZone(ZoneOffset.UTC);
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

    private Lease fresh(ZonedDateTime now, int transitions) {
        return new LeaseBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "mlship").endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds((int) leaseDuration.toSeconds())
                .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(transitions).endSpec().build();
    }

    private Held held() {
        progress.step("holding the release lock Lease/" + name + " in namespace " + namespace);
        LeaseRenewal renewal = new LeaseRenewal(this::renewOnce, leaseDuration, progress, "Lease/" + name);
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mlship-lease-renewer");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, leaseDuration.toMillis() / 3);
        renewer.scheduleAtFixedRate(renewal::run, every, every, TimeUnit.MILLISECONDS);
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

    /**
     * One renewal: the server's time of the read becomes renewTime, written at the read resourceVersion so a
     * takeover in between wins. Returns who holds the lease now when it is no longer this release.
     */
    private String renewOnce() {
        LeaseReads.Observed seen = reads.read();
        Lease lease = seen.lease();
        if (lease == null || !holder.equals(lease.getSpec().getHolderIdentity())) {
            return lease == null ? "nobody (the Lease was deleted)" : lease.getSpec().getHolderIdentity();
        }
        lease.getSpec().setRenewTime(stamp(seen));
        leases().resource(lease).update();
        return null;
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<Lease, io.fabric8.kubernetes.api.model.coordination.v1.LeaseList,
            io.fabric8.kubernetes.client.dsl.Resource<Lease>> leases() {
        return client.leases().inNamespace(namespace);
    }

    /** How long the lease's record has stayed as first seen, on this process's monotonic clock. */
    private static final class Unchanged {
        private String version;
        private long sinceNanos;

        Duration since(Lease lease) {
            String now = lease.getMetadata().getResourceVersion();
            if (version == null || !version.equals(now)) {
                version = now;
                sinceNanos = System.nanoTime();
            }
            return Duration.ofNanos(System.nanoTime() - sinceNanos);
        }
    }
}
