package io.mlship.kube.apply;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlship.kube.connect.FieldManager;
import io.mlship.kube.manifest.ReleaseLabels;
import io.mlship.result.MlshipException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Works out what a deploy would change and records the previous objects. Each rendered object is applied as a
 * server-side dry run (field manager mlship, as the real apply will be): the change is the difference between
 * the live object and the API server's answer, so defaults, webhooks and other managers' fields are accounted
 * for, and fields mlship stopped rendering show as removed. Stores nothing: a plan that finds objects mlship
 * does not own, or that the API server rejects, fails here, before anything is written.
 */
public final class Planner {
    static final String MOVE = "metadata.managedFields: mlship's fields from its earlier updates move to its server-side apply "
            + "(fields it no longer renders are removed then; this dry run cannot list them)";

    private final ClusterObjects cluster;

    public Planner(KubernetesClient client) {
        this.cluster = new ClusterObjects(client);
    }

    public Plan plan(String namespace, String service, List<HasMetadata> rendered) {
        checkNamespace(namespace);
        Map<ObjectKey, GenericKubernetesResource> desired = new TreeMap<>();
        Map<ObjectKey, GenericKubernetesResource> previous = new LinkedHashMap<>();
        List<Change> changes = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (HasMetadata object : rendered) {
            desired.put(ObjectKey.of(object), cluster.generic(object));
        }
        for (Map.Entry<ObjectKey, GenericKubernetesResource> e : desired.entrySet()) {
            ObjectKey key = e.getKey();
            GenericKubernetesResource live = cluster.resource(key).get();
            if (live != null && !ownedBy(live, service)) {
                foreign.add(key + " (" + ReleaseLabels.MANAGED_BY + "=" + label(live, ReleaseLabels.MANAGED_BY)
                        + ", " + ReleaseLabels.INSTANCE + "=" + label(live, ReleaseLabels.INSTANCE) + ")");
                continue;
            }
            GenericKubernetesResource answer = dryRun(key, e.getValue());
            if (live == null) {
                changes.add(new Change(key, Change.Action.CREATE, List.of()));
                continue;
            }
            previous.put(key, live);
            List<String> fields = new ArrayList<>(ObjectDiff.changes(cluster.tree(live), cluster.tree(answer)));
            if (OwnershipUpgrade.pending(cluster.tree(live))) {
                // The dry run still sees mlship's earlier updates owning their fields, so it cannot show what the
                // move (made just before the real apply) will remove; an apply may not carry managedFields, so the
                // dry run cannot make the move either. Listed, and applied even when nothing else changed.
                fields.add(MOVE);
            }
            changes.add(new Change(key, fields.isEmpty() ? Change.Action.UNCHANGED : Change.Action.UPDATE, fields));
        }
        if (!foreign.isEmpty()) {
            throw MlshipException.badInput("namespace " + namespace + " already has objects that mlship does not manage for "
                            + service + ": " + String.join(", ", foreign) + "; nothing was applied",
                    "deploy to a namespace where these names are free, rename the service, or (if mlship should take them over) "
                            + "label them " + ReleaseLabels.MANAGED_BY + "=" + ReleaseLabels.MANAGER + " and "
                            + ReleaseLabels.INSTANCE + "=" + service);
        }
        // Pruning: objects of ours (by label) that the spec no longer renders.
        for (ResourceDefinitionContext kind : KindTable.all()) {
            for (GenericKubernetesResource live : list(kind, namespace, service)) {
                ObjectKey key = new ObjectKey(KindTable.apiVersion(kind), kind.getKind(), namespace, live.getMetadata().getName());
                if (!desired.containsKey(key) && ownedBy(live, service)) {
                    previous.put(key, live);
                    changes.add(new Change(key, Change.Action.PRUNE, List.of()));
                }
            }
        }
        changes.sort((a, b) -> a.key().compareTo(b.key()));
        return new Plan(namespace, changes, desired, previous);
    }

    /** The API server's answer to applying {@code desired} now, with {@code dryRun=All}: nothing is stored. */
    private GenericKubernetesResource dryRun(ObjectKey key, GenericKubernetesResource desired) {
        try {
            return cluster.item(key, Applier.clean(desired)).dryRun().fieldManager(FieldManager.NAME).forceConflicts().serverSideApply();
        } catch (KubernetesClientException e) {
            String why = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
            if (e.getCode() == 415) {
                throw MlshipException.infrastructure("the Kubernetes API does not take server-side apply (HTTP 415 for " + key
                                + "): " + why + "; nothing was applied",
                        "mlship deploys with server-side apply and server-side dry run (Kubernetes 1.22 or later): upgrade the cluster", e);
            }
            if (e.getCode() == 400 || e.getCode() == 422) {
                throw MlshipException.badInput("the API server rejects " + key + " (server-side dry run): " + why,
                        "fix the spec so the object is valid for this cluster; nothing was applied");
            }
            throw e;
        }
    }

    private List<GenericKubernetesResource> list(ResourceDefinitionContext kind, String namespace, String service) {
        try {
            return cluster.client().genericKubernetesResources(kind).inNamespace(namespace)
                    .withLabels(ReleaseLabels.owned(service)).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404 && KindTable.fromAddOn(kind.getKind())) {
                return List.of(); // cert-manager or the Gateway API not installed: nothing of that kind can be ours
            }
            throw e;
        }
    }

    private void checkNamespace(String namespace) {
        try {
            if (cluster.client().namespaces().withName(namespace).get() == null) {
                throw MlshipException.badInput("namespace " + namespace + " does not exist on the cluster; nothing was applied",
                        "mlship does not create namespaces: ask the platform team for it, or fix the environment's namespace");
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 403) {
                throw e;
            }
            // A namespaced deploy account may not read namespaces; the writes will tell if it is missing.
        }
    }

    static boolean ownedBy(HasMetadata live, String service) {
        return ReleaseLabels.MANAGER.equals(label(live, ReleaseLabels.MANAGED_BY))
                && Objects.equals(service, label(live, ReleaseLabels.INSTANCE));
    }

    private static String label(HasMetadata o, String key) {
        Map<String, String> labels = o.getMetadata().getLabels();
        return labels == null ? null : labels.get(key);
    }
}
