package io.mlship.kube.rollout;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.mlship.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The readiness grace of one rollout: a new pod that runs but is not ready fails the rollout only once it has
 * been so for longer than the grace ({@code deploy.rollout.readinessGrace}), however many probes it failed
 * meanwhile; a model loading its embeddings for minutes is slow, not broken.
 *
 * <p>Time is measured on mlship's own clock, from when it first saw the pod running and not ready: the
 * cluster's timestamps come from another clock, and a grace cut short by skew would fail a healthy release.
 * A re-run therefore grants a fresh grace, which errs on the side of waiting.
 */
final class ReadinessWait {
    private final Duration grace;
    private final Map<String, Instant> notReadySince = new HashMap<>();

    ReadinessWait(Duration grace) {
        this.grace = grace;
    }

    Duration grace() {
        return grace;
    }

    /** Notes which of the rollout's pods run without being ready (from {@code now} if newly so); forgets the others. */
    void observe(List<Pod> pods, Instant now) {
        Map<String, Instant> still = new HashMap<>();
        for (Pod p : pods) {
            if (PodFailures.running(p) && !PodFailures.ready(p)) {
                String name = p.getMetadata().getName();
                still.put(name, notReadySince.getOrDefault(name, now));
            }
        }
        notReadySince.clear();
        notReadySince.putAll(still);
    }

    /** The first pod whose grace is over, said with its last failed probe; empty while every pod may still come up. */
    Optional<String> expired(List<Pod> pods, Collection<Event> events, Instant now) {
        for (Pod p : pods) {
            Instant since = notReadySince.get(p.getMetadata().getName());
            if (since != null && Duration.between(since, now).compareTo(grace) >= 0) {
                return Optional.of("pod " + p.getMetadata().getName() + " was not ready for " + seconds(since, now)
                        + " (readinessGrace " + Durations.format(grace) + "): "
                        + PodFailures.readinessProbe(p, events).orElse("its readiness probe never passed"));
            }
        }
        return Optional.empty();
    }

    /** When the next pod's grace ends, so the watcher can judge again then, even if the cluster says nothing new. */
    Optional<Instant> nextExpiry() {
        return notReadySince.values().stream().min(Instant::compareTo).map(since -> since.plus(grace));
    }

    /** What the rollout waits for: "waiting for 2/3 pods ready; reco-xyz not ready for 45 s (grace 10m)". */
    String describe(List<Pod> pods, int wanted, Instant now) {
        long ready = pods.stream().filter(PodFailures::ready).count();
        if (ready > 0 && ready == pods.size() && ready >= wanted) {
            return "all " + ready + " new pods ready; waiting for the Deployment to count them available";
        }
        StringBuilder s = new StringBuilder("waiting for ").append(ready).append('/').append(Math.max(wanted, pods.size()))
                .append(" pods ready");
        StringJoiner slow = new StringJoiner(", ");
        for (Pod p : pods) {
            Instant since = notReadySince.get(p.getMetadata().getName());
            if (since != null) {
                slow.add(p.getMetadata().getName() + " not ready for " + seconds(since, now));
            }
        }
        if (slow.length() > 0) {
            s.append("; ").append(slow).append(" (grace ").append(Durations.format(grace)).append(')');
        }
        return s.toString();
    }

    /** The pod's readiness as a hint for another failure (a progress deadline, the timeout), or empty. */
    Optional<String> hint(Pod p, Collection<Event> events, Instant now) {
        if (!PodFailures.running(p) || PodFailures.ready(p)) {
            return Optional.empty();
        }
        Instant since = notReadySince.get(p.getMetadata().getName());
        return Optional.of("pod " + p.getMetadata().getName() + " not ready" + (since == null ? "" : " for " + seconds(since, now))
                + PodFailures.readinessProbe(p, events).map(probe -> ": " + probe).orElse(""));
    }

    private static String seconds(Instant since, Instant now) {
        return Duration.between(since, now).toSeconds() + " s";
    }
}
