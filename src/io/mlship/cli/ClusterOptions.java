package io.mlship.cli;

import io.mlship.state.StateStores;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How a command reaches the environment's cluster (to deploy, to lock, or to read and keep release state). */
final class ClusterOptions {

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account).")
    String kubeconfig;

    @Option(names = "--context", paramLabel = "NAME",
            description = "Kubeconfig context (default: gke_<projects.gke>_<location>_<cluster> of the environment).")
    String context;

    /** Where the environment's release state is reached from here, with {@code workspace} as its cache. */
    StateStores.Target stateTarget(Path workspace) {
        return new StateStores.Target(kubeconfig, context, workspace, null);
    }
}
