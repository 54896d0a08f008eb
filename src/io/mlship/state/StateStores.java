package io.mlship.state;

import io.mlship.spec.EnvironmentView;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Opens an environment's release state where the spec keeps it: ConfigMaps in the namespace for a spec that
 * deploys, the environment's {@code state} folder in Cloud Storage for a model-only spec, else the workspace.
 * Chosen once, where the run starts, with the run's other adapters (Google Cloud and GKE, or the sandbox).
 */
public interface StateStores {

    /** The store of {@code environment}'s state; the caller closes it. Nothing is read yet. */
    StateStore open(EnvironmentView environment, Target target);

    /**
     * How to reach it: the kubeconfig and context given (either may be null: the environment's GKE cluster),
     * the workspace folder that caches every document (and holds them when nothing durable is configured).
     */
    record Target(String kubeconfig, String kubeContext, Path workspace, Duration requestTimeout) {

        public Target {
            requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
        }

        public static Target workspace(Path workspace) {
            return new Target(null, null, workspace, null);
        }
    }

    /** Only the workspace: what a run has when it keeps nothing off the agent. */
    static StateStores workspaceOnly() {
        return (environment, target) -> new FolderStateStore(target.workspace(), environment.name());
    }
}
