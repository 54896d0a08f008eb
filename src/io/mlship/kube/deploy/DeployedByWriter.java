package io.mlship.kube.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mlship.progress.Progress;

/**
 * Writes {@link DeployedBy} onto a Deployment with server-side apply under a field manager of its own. The objects'
 * own apply (manager {@code mlship}) never carries these annotations, so they are not part of the plan: a release
 * of what already runs shows no change and writes no rollback record, yet the Deployment names the latest build.
 * Each write sends the whole set, so an annotation a later deploy does not know is removed, not left stale.
 */
final class DeployedByWriter {
    static final String FIELD_MANAGER = "mlship-deployed-by";

    private final KubernetesClient client;
    private final Progress progress;

    DeployedByWriter(KubernetesClient client, Progress progress) {
        this.client = client;
        this.progress = progress;
    }

    /**
     * Annotates the Deployment. The service already runs: a failure here is only warned about, the release record
     * keeps the same facts.
     */
    void write(String namespace, String deployment, DeployedBy by) {
        GenericKubernetesResource partial = new GenericKubernetesResource();
        partial.setApiVersion("apps/v1");
        partial.setKind("Deployment");
        ObjectMeta meta = new ObjectMeta();
        meta.setName(deployment);
        meta.setNamespace(namespace);
        meta.setAnnotations(by.annotations());
        partial.setMetadata(meta);
        try {
            client.genericKubernetesResources("apps/v1", "Deployment").inNamespace(namespace).resource(partial)
                    .fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        } catch (KubernetesClientException e) {
            progress.warn("Deployment/" + deployment + " runs, but noting which build deployed it failed: "
                    + Deployer.apiMessage(e) + " (the release record has it)");
        }
    }
}
