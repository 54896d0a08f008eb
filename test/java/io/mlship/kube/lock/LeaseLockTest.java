package io.mlship.kube.lock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.cli.ConsoleProgress;
import io.mlship.result.MlshipException;
import io.mlship.sandbox.kube.SandboxCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The release lock as a Lease in the in-process Kubernetes API, taken through the real fabric8 client. */
class LeaseLockTest {
    SandboxCluster cluster;
    KubernetesClient client;
    final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() {
        cluster = SandboxCluster.start().withNamespace("reco");
        client = cluster.client();
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    LeaseLock lock(String service, String who, Duration lease) {
        return lock(service, who, lease, Clock.systemUTC());
    }

    /** A lock taken from an agent whose clock reads {@code clock}. */
    LeaseLock lock(String service, String who, Duration lease, Clock clock) {
        return new LeaseLock(client, "reco", service, "staging", who, lease,
                ConsoleProgress.forStage(new PrintStream(log, true, StandardCharsets.UTF_8), "release"), clock);
    }

    /** Makes the lease look held by {@code who}, last renewed at {@code renewed} (as the server's time). */
    void heldBy(String who, Instant renewed, int seconds) {
        Lease l = lease("reco-service");
        l.getSpec().setRenewTime(renewed.atZone(java.time.ZoneOffset.UTC));
        l.getSpec().setAcquireTime(renewed.atZone(java.time.ZoneOffset.UTC));
        l.getSpec().setHolderIdentity(who);
        l.getSpec().setLeaseDurationSeconds(seconds);
        client.leases().inNamespace("reco").resource(l).update();
    }

    Lease lease(String service) {
        return client.leases().inNamespace("reco").withName(LeaseLock.leaseName(service, "staging")).get();
    }

    @Test
    void aSecondReleaseOfTheSameServiceFailsClearlyNamingTheHolder() {
        LeaseLock first = lock("reco-service", "build-1", Duration.ofSeconds(60));
        try (ReleaseLock.Held held = first.acquire(Duration.ofSeconds(1))) {
            assertThat(lease("reco-service").getSpec().getHolderIdentity()).isEqualTo(first.holder());

            assertThatThrownBy(() -> lock("reco-service", "build-2", Duration.ofSeconds(60)).acquire(Duration.ofMillis(500)))
                    .isInstanceOf(MlshipException.class)
                    .hasMessageContaining("another release of this service to this environment is running")
                    .hasMessageContaining("build-1");
        }
        assertThat(lease("reco-service")).as("released at the end").isNull();
    }

    @Test
    void aWaitingReleaseGoesOnAsSoonAsTheFirstOneEnds() throws Exception {
        ReleaseLock.Held first = lock("reco-service", "build-1", Duration.ofSeconds(60)).acquire(Duration.ofSeconds(1));
        LeaseLock second = lock("reco-service", "build-2", Duration.ofSeconds(60));
        CompletableFuture<ReleaseLock.Held> waiting = CompletableFuture.supplyAsync(() -> second.acquire(Duration.ofSeconds(20)));
        Thread.sleep(300); // let the second one find the lease taken and start waiting
        assertThat(waiting).isNotDone();
        Instant released = Instant.now();

        first.close();

        try (ReleaseLock.Held held = waiting.get(15, TimeUnit.SECONDS)) {
            assertThat(Duration.between(released, Instant.now())).isLessThan(Duration.ofSeconds(10));
            assertThat(lease("reco-service").getSpec().getHolderIdentity()).isEqualTo(second.holder());
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("waiting for the release lock: held by build-1");
    }

    @Test
    void differentServicesHoldTheirOwnLocksAtOnce() {
        try (ReleaseLock.Held a = lock("reco-service", "build-1", Duration.ofSeconds(60)).acquire(Duration.ofSeconds(1));
             ReleaseLock.Held b = lock("search-service", "build-2", Duration.ofSeconds(60)).acquire(Duration.ofSeconds(1))) {
            assertThat(lease("reco-service")).isNotNull();
            assertThat(lease("search-service")).isNotNull();
        }
    }

    @Test
    void aDeadHoldersExpiredLeaseIsTakenOver() {
        LeaseLock dead = lock("reco-service", "build-that-died", Duration.ofSeconds(1));
        dead.acquire(Duration.ofSeconds(1)); // never closed, and its renewer is stopped below by expiry of the test lease
        Lease l = lease("reco-service");
        l.getSpec().setRenewTime(Instant.now().minusSeconds(120).atZone(java.time.ZoneOffset.UTC));
        l.getSpec().setAcquireTime(Instant.now().minusSeconds(120).atZone(java.time.ZoneOffset.UTC));
        l.getSpec().setHolderIdentity("build-that-died #00000000");
        client.leases().inNamespace("reco").resource(l).update();

        LeaseLock next = lock("reco-service", "build-2", Duration.ofSeconds(60));
        try (ReleaseLock.Held held = next.acquire(Duration.ofSeconds(2))) {
            assertThat(lease("reco-service").getSpec().getHolderIdentity()).isEqualTo(next.holder());
            assertThat(lease("reco-service").getSpec().getLeaseTransitions()).isEqualTo(1);
        }
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("took over the release lock from build-that-died");
    }

    @Test
    void anAgentWhoseClockIsAheadDoesNotTakeOverALiveLease() {
        try (ReleaseLock.Held held = lock("reco-service", "build-1", Duration.ofSeconds(60)).acquire(Duration.ofSeconds(1))) {
            Clock tenMinutesAhead = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(10));

            assertThatThrownBy(() -> lock("reco-service", "laptop", Duration.ofSeconds(60), tenMinutesAhead)
                    .acquire(Duration.ofMillis(500)))
                    .hasMessageContaining("another release of this service to this environment is running")
                    .hasMessageContaining("build-1");
        }
    }

    @Test
    void anAgentWhoseClockIsBehindTakesOverAnExpiredLeaseAtOnce() {
        lock("reco-service", "build-that-died", Duration.ofSeconds(60)).acquire(Duration.ofSeconds(1));
        heldBy("build-that-died #00000000", Instant.now().minusSeconds(120), 60);
        Clock tenMinutesBehind = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-10));

        LeaseLock next = lock("reco-service", "laptop", Duration.ofSeconds(60), tenMinutesBehind);
        try (ReleaseLock.Held held = next.acquire(Duration.ofSeconds(2))) {
            assertThat(lease("reco-service").getSpec().getHolderIdentity()).isEqualTo(next.holder());
        }
    }

    @Test
    void theTimesWrittenAreTheApiServersWhateverTheAgentsClockSays() {
        Clock anHourBehind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        try (ReleaseLock.Held held = lock("reco-service", "build-1", Duration.ofSeconds(60), anHourBehind)
                .acquire(Duration.ofSeconds(1))) {
            Instant acquired = lease("reco-service").getSpec().getAcquireTime().toInstant();

            assertThat(Duration.between(acquired, Instant.now()).abs()).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void aLeaseLeftUnchangedForItsDurationIsTakenOverEvenWhenItsTimeIsInTheFuture() {
        // A holder whose clock ran an hour fast wrote this: only watching it stay unchanged shows it is dead.
        lock("reco-service", "fast-clock", Duration.ofSeconds(60)).acquire(Duration.ofSeconds(1));
        heldBy("fast-clock #00000000", Instant.now().plus(Duration.ofHours(1)), 1);

        LeaseLock next = lock("reco-service", "build-2", Duration.ofSeconds(60));
        long start = System.nanoTime();
        try (ReleaseLock.Held held = next.acquire(Duration.ofSeconds(10))) {
            assertThat(lease("reco-service").getSpec().getHolderIdentity()).isEqualTo(next.holder());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("after watching it for its 1s duration")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(5));
        }
    }
}
