package io.mlship.kube.lock;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * What {@code --lock} means for one release. The Lease is the one lock every release sees, whoever starts it (a
 * pipeline, a terminal, another Jenkins), so it is taken even under a pipeline's Jenkins {@code lock}, which only
 * orders that Jenkins' own builds. {@code none} is left for a Jenkins build that wants its own lock alone; from
 * anywhere else it would release beside a pipeline unseen, so it is refused.
 */
public record LockChoice(boolean lease) {
    /** Every Jenkins build has these (BUILD_TAG even when Jenkins' own URL is not configured); a terminal has neither. */
    private static final String[] JENKINS_VARIABLES = {"JENKINS_URL", "BUILD_TAG"};
    private static final Duration LEASE_DURATION = Duration.ofSeconds(60);

    public static LockChoice of(String option, Map<String, String> env) {
        if (option.equals("lease")) {
            return new LockChoice(true);
        }
        if (!option.equals("none")) {
            throw MlshipException.badInput("--lock '" + option + "' is not lease or none",
                    "lease takes a Kubernetes Lease (the default); none only in a Jenkins build that holds its own lock");
        }
        for (String name : JENKINS_VARIABLES) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return new LockChoice(false);
            }
        }
        throw MlshipException.badInput("--lock none is only for a Jenkins build that holds a lock of its own, and this is "
                        + "not one (neither JENKINS_URL nor BUILD_TAG is set)",
                "leave --lock out: the release takes the Kubernetes Lease, which pipelines' releases take too, so the two "
                        + "wait for each other");
    }

    /** The lock to hold around the stages; {@code client} is null when the release touches no cluster. */
    public ReleaseLock lock(KubernetesClient client, String namespace, String service, String env, String who, Progress progress) {
        if (!lease) {
            progress.warn("no release lock taken here (--lock none): only this Jenkins' own lock keeps other releases "
                    + "of " + service + " to " + env + " out; one from a terminal or another Jenkins would not wait");
            return ReleaseLock.none();
        }
        if (client == null) {
            progress.warn("no cluster in this release, so no Lease: "
                    + "let the pipeline hold the lock (mlPipeline does, with Jenkins' lock step)");
            return ReleaseLock.none();
        }
        return new LeaseLock(client, namespace, service, env, who, LEASE_DURATION, progress, Clock.systemUTC());
    }
}
