package io.mlship.kube.rollout;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.mlship.progress.Progress;
import io.mlship.spec.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Watches one Deployment's rollouts through informers (the API pushes every change; nothing polls) until the
 * expected image is available, or cannot be: ProgressDeadlineExceeded, a new pod crash-looping, failing to pull
 * its image or to be configured (a missing Secret), a pod not ready for longer than the readiness grace, or the
 * deadline. The answer carries the reason a person needs. While it waits, it says what for.
 *
 * <p>One watcher serves a whole deploy (the rollout, and the rollback's after it): its watches are opened once
 * and closed once, when the cluster is quiet. Closing watches while the API is still sending on them is what
 * a deploy should avoid anyway, and fabric8's in-process API stalls when it happens.
 */
public final class RolloutWatcher implements AutoCloseable {
    public static final String REVISION = "deployment.kubernetes.io/revision";
    /** How often a long wait repeats what it waits for, so a build log shows it is alive and why. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final String name;
    private final Progress progress;
    private final Tracker tracker;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    /** Judges again when a readiness grace ends (nothing in the cluster need change then) and repeats the wait's state. */
    private final ScheduledExecutorService timer;

    public RolloutWatcher(KubernetesClient client, String namespace, String name, Map<String, String> selector, Progress progress) {
        this.name = name;
        this.progress = progress;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mlship-rollout-timer");
            t.setDaemon(true);
            return t;
        });
        this.tracker = new Tracker(name, progress, timer);
        informers.add(start(client.v1().events().inNamespace(namespace).runnableInformer(0), tracker.on(tracker::event),
                "events in namespace " + namespace));
        informers.add(start(client.pods().inNamespace(namespace).withLabels(selector).runnableInformer(0), tracker.on(tracker::pod),
                "pods of " + name));
        informers.add(start(client.apps().deployments().inNamespace(namespace).withName(name).runnableInformer(0),
                tracker.on(tracker::deployment), "Deployment/" + name));
    }

    /**
     * Starts one informer and waits for its first list. A watch that breaks later (the connection drops, the API
     * server restarts) is listed and watched again by the informer, which then replays what changed meanwhile, so
     * no completion is missed; each time, the log says so.
     */
    private <T> SharedIndexInformer<T> start(SharedIndexInformer<T> informer, ResourceEventHandler<T> handler, String what) {
        informer.addEventHandler(handler);
        informer.exceptionHandler((started, failure) -> {
            if (started) {
                progress.step("the watch of " + what + " broke (" + failure.getMessage()
                        + "); listing and watching again");
            }
            return started; // a failing first list still fails the deploy, as before
        });
        informer.run();
        return informer;
    }

    /**
     * @param image the image the rollout should end up running: pods of other images are old ones
     * @param readinessGrace how long a new pod may run without being ready before the rollout fails
     */
    public RolloutOutcome await(String image, Duration deadline, Duration readinessGrace) {
        Instant started = Instant.now();
        progress.step("watching the rollout of Deployment/" + name + " to " + image
                + " (deadline " + deadline.toSeconds() + "s, readiness grace " + Durations.format(readinessGrace) + ")");
        CompletableFuture<RolloutOutcome> done = tracker.expect(image, started, new ReadinessWait(readinessGrace));
        ScheduledFuture<?> heartbeat = timer.scheduleAtFixedRate(tracker::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            return done.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new RolloutOutcome(false, "the rollout did not finish within " + deadline.toSeconds() + "s: " + tracker.progress(),
                    tracker.revision(), Duration.between(started, Instant.now()), Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while watching the rollout of " + name, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("watching the rollout of " + name + " failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            heartbeat.cancel(false);
            tracker.stop();
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        timer.shutdownNow();
    }

    /** State seen so far; informer callbacks arrive on one thread per informer, so access is synchronised. */
    private static final class Tracker {
        private final String name;
        private final Progress progress;
        private final ScheduledExecutorService timer;
        private String image;
        private Instant started;
        private ReadinessWait readiness;
        private CompletableFuture<RolloutOutcome> done;
        /** The last "waiting for …" line said without its clock, so a change is said at once and a repeat is not. */
        private String lastSaid;
        private ScheduledFuture<?> recheck;
        private final Map<String, Pod> pods = new java.util.HashMap<>();
        private final Map<String, Event> events = new java.util.LinkedHashMap<>();
        private Deployment deployment;

        Tracker(String name, Progress progress, ScheduledExecutorService timer) {
            this.name = name;
            this.progress = progress;
            this.timer = timer;
        }

        /** Starts waiting for {@code image}; what the informers already hold is judged at once. */
        synchronized CompletableFuture<RolloutOutcome> expect(String image, Instant started, ReadinessWait readiness) {
            this.image = image;
            this.started = started;
            this.readiness = readiness;
            this.done = new CompletableFuture<>();
            this.lastSaid = null;
            evaluate();
            return done;
        }

        synchronized void stop() {
            done = null;
            if (recheck != null) {
                recheck.cancel(false);
            }
        }

        /** Repeats what the rollout waits for, with how long the slow pods have been so. */
        synchronized void heartbeat() {
            if (waiting()) {
                progress.step(readiness.describe(newPods(), wanted(), Instant.now()));
            }
        }

        private synchronized void recheck() {
            evaluate();
        }

        private boolean waiting() {
            return done != null && !done.isDone() && deployment != null && runs(deployment, image);
        }

        <T> ResourceEventHandler<T> on(java.util.function.BiConsumer<T, Boolean> sink) {
            return new ResourceEventHandler<>() {
                @Override
                public void onAdd(T obj) {
                    sink.accept(obj, false);
                }

                @Override
                public void onUpdate(T oldObj, T newObj) {
                    sink.accept(newObj, false);
                }

                @Override
                public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                    sink.accept(obj, true);
                }
            };
        }

        synchronized void deployment(Deployment d, boolean deleted) {
            deployment = deleted ? null : d;
            evaluate();
        }

        synchronized void pod(Pod p, boolean deleted) {
            if (deleted) {
                pods.remove(p.getMetadata().getName());
            } else {
                pods.put(p.getMetadata().getName(), p);
            }
            evaluate();
        }

        synchronized void event(Event e, boolean deleted) {
            if (!deleted && e.getInvolvedObject() != null) {
                events.put(e.getMetadata().getName(), e);
                evaluate();
            }
        }

        private void evaluate() {
            if (done == null || done.isDone() || deployment == null) {
                return;
            }
            if (!runs(deployment, image)) {
                return; // the update has not reached the object this informer sees yet
            }
            DeploymentStatus st = deployment.getStatus();
            Optional<DeploymentCondition> progressing = condition("Progressing");
            // As kubectl rollout status: a condition is about this rollout only once the controller saw its generation
            // (an update keeps the status, so a restore still carries the failed rollout's condition until then).
            if (observedCurrent(deployment) && progressing.isPresent() && "ProgressDeadlineExceeded".equals(progressing.get().getReason())) {
                finish(false, "ProgressDeadlineExceeded: " + nonNull(progressing.get().getMessage()) + podHint());
                return;
            }
            List<Pod> newPods = newPods();
            for (Pod p : newPods) {
                Optional<String> failure = PodFailures.failure(p, events.values());
                if (failure.isPresent()) {
                    finish(false, failure.get());
                    return;
                }
            }
            if (complete(deployment)) {
                finish(true, "Deployment/" + name + " available: " + st.getAvailableReplicas() + " of "
                        + st.getUpdatedReplicas() + " updated replicas");
                return;
            }
            Instant now = Instant.now();
            readiness.observe(newPods, now);
            Optional<String> slow = readiness.expired(newPods, events.values(), now);
            if (slow.isPresent()) {
                finish(false, slow.get());
                return;
            }
            sayWhatItWaitsFor(newPods, now);
            scheduleRecheck(now);
        }

        /** Says the wait's state when it changed (which pods are ready or slow), not on every update. */
        private void sayWhatItWaitsFor(List<Pod> newPods, Instant now) {
            String line = readiness.describe(newPods, wanted(), now);
            String withoutClock = line.replaceAll("for [0-9]+ s", "");
            if (!withoutClock.equals(lastSaid)) {
                lastSaid = withoutClock;
                progress.step(line);
            }
        }

        private void scheduleRecheck(Instant now) {
            if (recheck != null) {
                recheck.cancel(false);
                recheck = null;
            }
            Optional<Instant> next = readiness.nextExpiry();
            if (next.isPresent()) {
                long delay = Math.max(0, Duration.between(now, next.get()).toMillis()) + 1;
                recheck = timer.schedule(this::recheck, delay, TimeUnit.MILLISECONDS);
            }
        }

        /** The replicas the rollout should end with; the autoscaler's count when the spec leaves it out. */
        private int wanted() {
            Integer replicas = deployment == null ? null : deployment.getSpec().getReplicas();
            return replicas != null ? replicas : n(deployment == null || deployment.getStatus() == null ? null
                    : deployment.getStatus().getUpdatedReplicas());
        }

        private static boolean observedCurrent(Deployment d) {
            DeploymentStatus st = d.getStatus();
            return st != null && st.getObservedGeneration() != null && d.getMetadata().getGeneration() != null
                    && st.getObservedGeneration() >= d.getMetadata().getGeneration();
        }

        /** The same test kubectl rollout status makes. */
        private static boolean complete(Deployment d) {
            DeploymentStatus st = d.getStatus();
            if (!observedCurrent(d)) {
                return false;
            }
            int updated = n(st.getUpdatedReplicas());
            Integer wanted = d.getSpec().getReplicas();
            if (wanted != null && updated < wanted) {
                return false;
            }
            if (n(st.getReplicas()) > updated) {
                return false; // old replicas still terminating
            }
            return n(st.getAvailableReplicas()) >= updated && updated > 0 || wanted != null && wanted == 0;
        }

        private List<Pod> newPods() {
            return pods.values().stream().filter(p -> p.getSpec().getContainers().stream().anyMatch(c -> image.equals(c.getImage())))
                    .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName())).toList();
        }

        /** Why the new pods are not available, for a progress deadline or a timeout: a failure, a slow pod, a warning. */
        private String podHint() {
            Instant now = Instant.now();
            for (Pod p : newPods()) {
                Optional<String> f = PodFailures.failure(p, events.values())
                        .or(() -> readiness == null ? Optional.empty() : readiness.hint(p, events.values(), now))
                        .or(() -> PodFailures.running(p) ? Optional.empty() : PodFailures.lastWarning(p, events.values()));
                if (f.isPresent()) {
                    return "; " + f.get();
                }
            }
            return "";
        }

        synchronized String progress() {
            if (deployment == null) {
                return "Deployment/" + name + " not seen";
            }
            DeploymentStatus st = deployment.getStatus();
            String counts = st == null ? "no status yet" : n(st.getUpdatedReplicas()) + " updated, "
                    + n(st.getAvailableReplicas()) + " available, " + n(st.getReplicas()) + " total replicas";
            return counts + podHint();
        }

        synchronized String revision() {
            return deployment == null || deployment.getMetadata().getAnnotations() == null ? null
                    : deployment.getMetadata().getAnnotations().get(REVISION);
        }

        private void finish(boolean ok, String reason) {
            Instant now = Instant.now();
            done.complete(new RolloutOutcome(ok, reason, revision(), Duration.between(started, now), now));
        }

        private Optional<DeploymentCondition> condition(String type) {
            DeploymentStatus st = deployment.getStatus();
            if (st == null || st.getConditions() == null) {
                return Optional.empty();
            }
            return st.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
        }

        private static boolean runs(Deployment d, String image) {
            List<Container> containers = d.getSpec().getTemplate().getSpec().getContainers();
            return image == null || containers.stream().anyMatch(c -> image.equals(c.getImage()));
        }

        private static int n(Integer i) {
            return i == null ? 0 : i;
        }

        private static String nonNull(String s) {
            return s == null ? "" : s;
        }
    }
}
