package io.mlship.kube.connect;

import io.mlship.spec.EnvironmentView;

/**
 * Which cluster to talk to and with which credentials. The kubeconfig context defaults to the name
 * {@code gcloud container clusters get-credentials} gives it: {@code gke_<project>_<location>_<cluster>}. Without a
 * kubeconfig, the agent's own cluster (its pod's service account) is used only when it is the environment's
 * cluster, or when {@code agentCluster} says to use it whatever the environment names.
 */
public record ClusterRef(String project, String location, String cluster, String kubeconfig, String context,
                         boolean agentCluster) {

    /** The environment's cluster; a kubeconfig and context given (either may be null) win. */
    public static ClusterRef of(EnvironmentView environment, String kubeconfig, String context) {
        return new ClusterRef(environment.projects().gke(), environment.clusterLocation(), environment.cluster(),
                kubeconfig, context, false);
    }

    /** The same, allowed (or not) to fall back to the cluster the agent runs in. */
    public ClusterRef withAgentCluster(boolean allowed) {
        return new ClusterRef(project, location, cluster, kubeconfig, context, allowed);
    }

    public String effectiveContext() {
        return context != null ? context : gkeContext(project, location, cluster);
    }

    public static String gkeContext(String project, String location, String cluster) {
        return "gke_" + project + "_" + location + "_" + cluster;
    }

    public String getCredentialsCommand() {
        return "gcloud container clusters get-credentials " + cluster + " --location " + location + " --project " + project;
    }
}
