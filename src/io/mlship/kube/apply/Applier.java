package io.mlship.kube.apply;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.mlship.progress.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a plan: create-or-update in dependency order, then prunes; and undoes it from the recorded previous
 * objects. Plain create/update (not server-side apply) so the same code runs against every API server, the
 * sandbox's included; writes carry {@code fieldManager=mlship} (see {@code io.mlship.kube.connect}).
 */
public final class Applier {
    private static final int HTTP_CONFLICT = 409;
    /** Conflicts come from other writers racing mlship; a few fresh reads settle them, more means a fight. */
    private static final int CONFLICT_ATTEMPTS = 4;

    private final ClusterObjects cluster;
    private final Progress progress;

    public Applier(KubernetesClient client, Progress progress) {
        this.cluster = new ClusterObjects(client);
        this.progress = progress;
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
                    case CREATE -> {
                        progress.step("creating " + c.key());
                        create(c.key(), plan.desired().get(c.key()));
                        written.add(c.key());
                    }
                    case UPDATE -> {
                        progress.step("updating " + c.key());
                        update(c.key(), plan.desired().get(c.key()));
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
     * Creates; when the object turns out to exist already (HTTP 409 AlreadyExists — typically an earlier attempt of
     * this very create went through but its answer was lost, and the client retried), it is updated instead.
     */
    private void create(ObjectKey key, GenericKubernetesResource desired) {
        try {
            cluster.item(key, clean(desired)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != HTTP_CONFLICT) {
                throw e;
            }
            progress.step(key + " already exists (HTTP 409: " + e.getMessage().lines().findFirst().orElse("")
                    + "); updating it instead");
            update(key, desired);
        }
    }

    /** Puts back exactly what ran before the plan was applied: previous objects restored, new ones deleted. */
    public void restore(Plan plan) {
        for (Change c : plan.changes()) {
            if (c.action() == Change.Action.UPDATE || c.action() == Change.Action.PRUNE) {
                GenericKubernetesResource before = plan.previous().get(c.key());
                progress.step("restoring " + c.key());
                Resource<GenericKubernetesResource> r = cluster.resource(c.key());
                if (r.get() == null) {
                    cluster.item(c.key(), clean(before)).create();
                } else {
                    update(c.key(), before);
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
     * Replaces the live object, guarded by its resourceVersion. When someone else (an autoscaler, a controller
     * writing its annotations) changed it in between, the server answers 409 Conflict: the object is read again and
     * the update retried, a few times, each retry logged.
     */
    private void update(ObjectKey key, GenericKubernetesResource target) {
        for (int attempt = 1; ; attempt++) {
            Resource<GenericKubernetesResource> r = cluster.resource(key);
            GenericKubernetesResource live = r.get();
            if (live == null) {
                // Gone since the plan was made (deleted by someone, or a restore of an object deleted meanwhile).
                cluster.item(key, clean(target)).create();
                return;
            }
            GenericKubernetesResource next = clean(target);
            if ("Deployment".equals(key.kind())) {
                keep(next, live, "replicas");
            }
            if ("Service".equals(key.kind())) {
                keep(next, live, "clusterIP");
                keep(next, live, "clusterIPs");
            }
            next.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
            try {
                cluster.item(key, next).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HTTP_CONFLICT || attempt >= CONFLICT_ATTEMPTS) {
                    throw e;
                }
                progress.step(key + " changed on the server while mlship updated it (HTTP 409 Conflict, resourceVersion "
                        + live.getMetadata().getResourceVersion() + "); reading it again and retrying (attempt " + (attempt + 1)
                        + " of " + CONFLICT_ATTEMPTS + ")");
            }
        }
    }

    /**
     * An update replaces the object, so fields mlship leaves to others are carried over from the live object:
     * the replica count when the autoscaler owns it (else it would reset to 1), and a Service's cluster IPs
     * (immutable once assigned).
     */
    @SuppressWarnings("unchecked")
    private static void keep(GenericKubernetesResource next, GenericKubernetesResource live, String field) {
        Object spec = next.getAdditionalProperties().get("spec");
        Object liveSpec = live == null ? null : live.getAdditionalProperties().get("spec");
        if (spec instanceof Map<?, ?> s && liveSpec instanceof Map<?, ?> l && s.get(field) == null && l.get(field) != null) {
            ((Map<String, Object>) s).put(field, l.get(field));
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
