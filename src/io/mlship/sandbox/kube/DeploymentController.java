package io.mlship.sandbox.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays the Deployment controller: each new template gets its ReplicaSet, revision and pods, and the
 * Deployment's status follows what its pods do. Pods of images the runtime has are left to {@link ServingPods};
 * the others do what their {@link Behaviour} says ({@link ScriptedPods}).
 */
final class DeploymentController {
    private final KubernetesClient client;
    private final String namespace;
    private final ControllerScope scope;
    private final Duration progressDeadline;
    private final ImageBehaviours behaviours;
    private final RolloutTracker tracker = new RolloutTracker();
    private final ReplicaSets replicaSets;
    private final Pods pods;
    private final RolloutProgress progress;
    private final ScriptedPods scripted;
    private final ProbingPods probing;
    private final ServingPods serving;
    private final SecretRefCheck secrets;

    DeploymentController(ControllerScope scope, SimulatorSettings settings, ImageBehaviours behaviours,
                         RevisionServers servers, ServicePublisher publisher) {
        this.client = scope.client();
        this.namespace = scope.namespace();
        this.scope = scope;
        this.progressDeadline = settings.progressDeadline();
        this.behaviours = behaviours;
        this.replicaSets = new ReplicaSets(client, namespace);
        this.pods = new Pods(client, namespace);
        this.progress = new RolloutProgress(client, namespace, pods, replicaSets);
        this.scripted = new ScriptedPods(pods, settings.crashMessage());
        this.probing = new ProbingPods(scope, pods, progress, tracker, settings.probePeriod(), settings.slowReadyFailures());
        this.serving = new ServingPods(scope, servers, publisher, pods, progress, tracker);
        this.secrets = new SecretRefCheck(client, namespace);
    }

    /** Called with the instant a rollout's completion was written to the API. */
    void onRolloutComplete(Consumer<Instant> listener) {
        progress.onComplete(listener);
    }

    void reconcile(String name) {
        Deployment d = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (d == null) {
            return;
        }
        long generation = d.getMetadata().getGeneration() == null ? 1 : d.getMetadata().getGeneration();
        String hash = replicaSets.templateHash(d);
        String key = name + "/" + hash;
        if (!tracker.handle(name, generation, key, d.getStatus())) {
            return; // our own status write, or nothing new
        }
        int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
        boolean real = replicas > 0 && !behaviours.overridden(image) && serving.canRun(image);
        if (replicas == 0) {
            serving.stop(name); // scaled to zero: nothing serves
        }
        Behaviour behaviour = behaviours.of(image);
        int revision = replicaSets.revision(d, hash);
        ReplicaSet rs = replicaSets.ensure(d, hash, replicas, revision);
        Rollout rollout = new Rollout(d, generation, hash, revision, replicas, rs);
        List<Pod> oldPods = pods.ofOtherTemplates(d, hash);
        var missingSecret = replicas > 0 ? secrets.check(d.getSpec().getTemplate().getSpec()) : java.util.Optional.<SecretRefCheck.Missing>empty();
        if (missingSecret.isPresent()) {
            // Before anything runs, as the kubelet checks: the pods never start, whatever their image would do.
            scripted.cannotStart(rollout, missingSecret.get());
            progress.progressing(rollout, oldPods.size());
            scheduleDeadline(rollout);
            return;
        }
        if (real) {
            serving.serve(rollout, oldPods.size());
            return;
        }
        scripted.startAll(rollout, behaviour);
        if (behaviour == Behaviour.SUCCEED) {
            progress.complete(rollout, oldPods);
            return;
        }
        progress.progressing(rollout, oldPods.size());
        if (behaviour == Behaviour.NOT_READY || behaviour == Behaviour.SLOW_READY) {
            probing.start(rollout, behaviour);
        }
        if (behaviour == Behaviour.HANG || behaviour == Behaviour.NOT_READY) {
            // Pods that never become available: the controller reports it at the deadline, as Kubernetes does.
            scheduleDeadline(rollout);
        }
    }

    private void scheduleDeadline(Rollout rollout) {
        scope.worker().schedule(() -> deadlineExceeded(rollout), progressDeadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The Deployment was deleted. */
    void forget(String name) {
        serving.forget(name);
        tracker.forget(name);
    }

    private void deadlineExceeded(Rollout r) {
        if (tracker.isCurrent(r.name(), r.key())) { // else a newer template took over
            progress.deadlineExceeded(r.name(), r.replicaSetName());
        }
    }
}
