package io.mlship.release;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.kube.connect.ClusterAccess;
import io.mlship.kube.connect.ClusterRef;
import io.mlship.kube.deploy.DeployInput;
import io.mlship.kube.lock.LockChoice;
import io.mlship.kube.lock.ReleaseLock;
import io.mlship.progress.Progress;
import io.mlship.spec.EnvironmentView;
import io.mlship.state.StateStore;
import io.mlship.state.StateStores;
import java.time.Clock;
import java.time.Duration;

/**
 * A release run against the systems it changes: one cluster client (when it deploys) for the deploy's namespace,
 * the Lease and the state's ConfigMaps; the namespace created when missing; the Lease held around the whole flow;
 * and the finished release's gate verdict and history line kept in the environment's state.
 */
public record ReleaseRun(ClusterAccess clusters, EnvironmentStateStores states, ObjectMapper json, Progress progress,
                         Clock clock) {

    /**
     * How this run locks and whom the lock names, where its state's workspace cache is, and the model version
     * label it releases (for its history line).
     */
    public record Setting(LockChoice lock, Duration lockWait, String who, StateStores.Target where, String modelVersion) {
    }

    public ReleaseRecord run(EnvironmentView environment, ReleaseInputs inputs, ReleaseStages stages, StageFiles files,
                             Setting setting) throws Exception {
        DeployInput deploy = inputs.deploy();
        ClusterRef cluster = deploy == null ? null : clusters.target(environment, deploy.kubeconfig(), deploy.kubeContext())
                .withAgentCluster(deploy.agentCluster());
        try (KubernetesClient client = cluster == null ? null
                : clusters.connect(cluster, new KubernetesSerialization(), Duration.ofSeconds(30), progress);
             StateStore state = states.open(environment, setting.where(), client)) {
            if (client != null && clusters.prepareNamespace(client, environment.namespace())) {
                progress.step("created namespace " + environment.namespace() + " in the cluster");
            }
            try (ReleaseLock.Held held = setting.lock().lock(client, environment.namespace(), environment.service(),
                    environment.name(), setting.who(), progress).acquire(setting.lockWait())) {
                return new ReleaseFlow(inputs.withState(state), stages, files, progress, clock,
                        new StateLedger(state, json, clock, setting.modelVersion())).run();
            }
        }
    }
}
