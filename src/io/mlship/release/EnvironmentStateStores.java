package io.mlship.release;

import com.google.cloud.storage.Storage;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.kube.connect.ClusterAccess;
import io.mlship.kube.connect.ClusterRef;
import io.mlship.kube.state.ConfigMapStateStore;
import io.mlship.model.GcsUri;
import io.mlship.model.ModelAccess;
import io.mlship.model.state.GcsStateStore;
import io.mlship.progress.Progress;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.EnvironmentView;
import io.mlship.state.ClosingStateStore;
import io.mlship.state.FolderStateStore;
import io.mlship.state.StateStore;
import io.mlship.state.StateStores;

/**
 * Release state where the spec keeps it, over this run's adapters (Google Cloud and GKE, or the sandbox): a spec
 * that deploys keeps it in ConfigMaps in its namespace, beside what it releases; a model-only spec in the
 * environment's {@code state} folder in Cloud Storage; anything else in the workspace.
 */
public final class EnvironmentStateStores implements StateStores {
    private final ClusterAccess clusters;
    private final ModelAccess models;

    public EnvironmentStateStores(ClusterAccess clusters, ModelAccess models) {
        this.clusters = clusters;
        this.models = models;
    }

    @Override
    public StateStore open(EnvironmentView environment, Target target) {
        return open(environment, target, null);
    }

    /**
     * The same, through {@code cluster} when the state is kept in the cluster: a release that already holds a
     * client for its deploy and lock keeps its state through it too (closing the store leaves it open).
     */
    public StateStore open(EnvironmentView environment, Target target, KubernetesClient cluster) {
        if (environment.spec().deploy() != null && cluster != null) {
            return new ConfigMapStateStore(cluster, environment.namespace(), environment.service(), environment.name());
        }
        if (environment.spec().deploy() != null) {
            ClusterRef ref = clusters.target(environment, target.kubeconfig(), target.kubeContext());
            KubernetesClient client = clusters.connect(ref, new KubernetesSerialization(), target.requestTimeout(),
                    Progress.silent());
            return new ClosingStateStore(new ConfigMapStateStore(client, environment.namespace(), environment.service(),
                    environment.name()), client);
        }
        EnvironmentSpec.StateLocation location = environment.stateLocation();
        if (location != null) {
            Storage storage = models.storage(environment.projects().vertex(), target.requestTimeout());
            return new ClosingStateStore(new GcsStateStore(storage, GcsUri.parse(location.uri()), environment.service(),
                    environment.name()), storage);
        }
        return new FolderStateStore(target.workspace(), environment.name());
    }
}
