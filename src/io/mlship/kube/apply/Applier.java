package io.mlship.kube.apply;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mlship.kube.connect.FieldManager;
import io.mlship.progress.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a plan with server-side apply as field manager {@code mlship}, in dependency order, then prunes; and
 * undoes it from the recorded previous objects. An apply sends only what mlship renders, so fields other managers
 * set (annotations and labels from other tools, injected sidecars, defaults filled in by webhooks) stay, and
 * fields mlship stopped rendering are removed. mlship forces conflicts: it owns the objects it renders (the planner
 * refuses objects it does not), and whoever changed one of its fields is overruled, as a client-side update did.
 */
public final class Applier {
    private static final int HTTP_CONFLICT = 409;
    private static final int CONFLICT_ATTEMPTS = 4;

    private final ClusterObjects cluster;
    private final Progress progress;
    private final OwnershipUpgrade ownership;

    public Applier(KubernetesClient client, Progress progress) {
        this.cluster = new ClusterObjects(client);
        this.progress = progress;
        this.ownership = new OwnershipUpgrade(cluster, progress);
    }

    /**
     * Applies every change; returns the objects written, in order. A write the API server still refuses after
     * the client's retries (see {@code io.mlship.kube.connect.RetryLog}) ends the apply with {@link WriteFailed}
     * naming the object, so the caller can put back what was there.
     */
    public List<ObjectKey> apply(Plan plan) {
        List<ObjectKey> written = new ArrayList<>();
        for (Change c : plan.changes()) {
            try {
                switch (c.action()) {
                    case CREATE, UPDATE -> {
                        progress.step((c.action() == Change.Action.CREATE ? "creating " : "updating ") + c.key());
                        ownership.takeOverUpdates(c.key(), plan.desired().get(c.key()));
                        serverSideApply(c.key(), clean(plan.desired().get(c.key())));
                        written.add(c.key());
                    }
                    default -> {
                    }
                }
            } catch (KubernetesClientException e) {
                throw new WriteFailed(c.key(), e);
            }
        }
        List<Change> prunes = new ArrayList<>(plan.changes().stream().filter(c -> c.action() == Change.Action.PRUNE).toList());
        java.util.Collections.reverse(prunes);
        for (Change c : prunes) {
            progress.step("pruning " + c.key() + " (no longer in the spec)");
            try {
                cluster.resource(c.key()).delete();
            } catch (KubernetesClientException e) {
                throw new WriteFailed(c.key(), e);
            }
            written.add(c.key());
        }
        return written;
    }

    /** A write the API server refused, and which object it was for. */
    public static final class WriteFailed extends RuntimeException {
        private final ObjectKey key;

        WriteFailed(ObjectKey key, KubernetesClientException cause) {
            super("writing " + key + " failed: " + cause.getMessage(), cause);
            this.key = key;
        }

        public ObjectKey key() {
            return key;
        }

        @Override
        public synchronized KubernetesClientException getCause() {
            return (KubernetesClientException) super.getCause();
        }

        /** A server error, throttling or a lost connection — not an answer about the object itself. */
        public boolean isTransient() {
            int code = getCause().getCode();
            return code >= 500 || code == 429 || code == 0;
        }
    }

    /**
     * Puts back what ran before the plan was applied: for each object mlship changed, what mlship had applied to
     * it then (fields others set since are left alone); objects the plan deleted are created again as they were;
     * objects it created are deleted.
     */
    public void restore(Plan plan) {
        for (Change c : plan.changes()) {
            if (c.action() == Change.Action.UPDATE || c.action() == Change.Action.PRUNE) {
                GenericKubernetesResource before = plan.previous().get(c.key());
                progress.step("restoring " + c.key());
                if (cluster.resource(c.key()).get() == null) {
                    serverSideApply(c.key(), clean(before));
                } else {
                    ownership.takeOverUpdates(c.key(), before);
                    serverSideApply(c.key(), ownership.appliedBy(before));
                }
            }
        }
        List<Change> created = new ArrayList<>(plan.changes().stream().filter(c -> c.action() == Change.Action.CREATE).toList());
        java.util.Collections.reverse(created);
        for (Change c : created) {
            progress.step("deleting " + c.key() + " (it did not exist before)");
            cluster.resource(c.key()).delete();
        }
    }

    /**
     * Applies; a forced apply carries no resourceVersion, so a 409 Conflict is a race inside the API server (or a
     * proxy's answer), and applying again settles it. A few attempts, each logged; more means something is wrong.
     */
    private void serverSideApply(ObjectKey key, GenericKubernetesResource config) {
        for (int attempt = 1; ; attempt++) {
            try {
                cluster.item(key, config).fieldManager(FieldManager.NAME).forceConflicts().serverSideApply();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HTTP_CONFLICT || attempt >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
                progress.step(key + " changed on the server while mlship applied it (HTTP 409 Conflict: "
                        + e.getMessage().lines().findFirst().orElse("") + "); applying again (attempt " + (attempt + 1)
                        + " of " + CONFLICT_ATTEMPTS + ")");
            }
        }
    }

    /** A copy without what the server owns (identity, versions, status), ready to be written. */
    static GenericKubernetesResource clean(GenericKubernetesResource o) {
        GenericKubernetesResource copy = new GenericKubernetesResource();
        copy.setApiVersion(o.getApiVersion());
        copy.setKind(o.getKind());
        ObjectMeta m = o.getMetadata();
        ObjectMeta meta = new ObjectMeta();
        meta.setName(m.getName());
        meta.setNamespace(m.getNamespace());
        meta.setLabels(m.getLabels() == null ? null : new java.util.LinkedHashMap<>(m.getLabels()));
        meta.setAnnotations(m.getAnnotations() == null ? null : new java.util.LinkedHashMap<>(m.getAnnotations()));
        copy.setMetadata(meta);
        o.getAdditionalProperties().forEach((k, v) -> {
            if (!k.equals("status")) {
                copy.setAdditionalProperty(k, deepCopy(v));
            }
        });
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object v) {
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            ((Map<String, Object>) map).forEach((k, x) -> out.put(k, deepCopy(x)));
            return out;
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(x -> out.add(deepCopy(x)));
            return out;
        }
        return v;
    }
}
