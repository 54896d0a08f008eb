package io.mlship.kube.apply;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a plan: create-or-update in dependency order, then prunes; and undoes it from the recorded previous
 * objects. Plain create/update (not server-side apply) so the same code runs against every API server, the
 * sandbox's included; writes carry {@code fieldManager=mlship} (see {@code io.mlship.kube.connect}).
 */
public final class Applier {
    private final ClusterObjects cluster;
    private final PrintStream log;

    public Applier(KubernetesClient client, PrintStream log) {
        this.cluster = new ClusterObjects(client);
        this.log = log;
    }

    /** Applies every change; returns the objects written, in order. */
    public List<ObjectKey> apply(Plan plan) {
        List<ObjectKey> written = new ArrayList<>();
        for (Change c : plan.changes()) {
            switch (c.action()) {
                case CREATE -> {
                    log.println("[mlship deploy] creating " + c.key());
                    cluster.item(c.key(), clean(plan.desired().get(c.key()))).create();
                    written.add(c.key());
                }
                case UPDATE -> {
                    log.println("[mlship deploy] updating " + c.key());
                    update(c.key(), plan.desired().get(c.key()));
                    written.add(c.key());
                }
                default -> {
                }
            }
        }
        List<Change> prunes = new ArrayList<>(plan.changes().stream().filter(c -> c.action() == Change.Action.PRUNE).toList());
        java.util.Collections.reverse(prunes);
        for (Change c : prunes) {
            log.println("[mlship deploy] pruning " + c.key() + " (no longer in the spec)");
            cluster.resource(c.key()).delete();
            written.add(c.key());
        }
        return written;
    }

    /** Puts back exactly what ran before the plan was applied: previous objects restored, new ones deleted. */
    public void restore(Plan plan) {
        for (Change c : plan.changes()) {
            if (c.action() == Change.Action.UPDATE || c.action() == Change.Action.PRUNE) {
                GenericKubernetesResource before = plan.previous().get(c.key());
                log.println("[mlship deploy] restoring " + c.key());
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
            log.println("[mlship deploy] deleting " + c.key() + " (it did not exist before)");
            cluster.resource(c.key()).delete();
        }
    }

    private void update(ObjectKey key, GenericKubernetesResource target) {
        Resource<GenericKubernetesResource> r = cluster.resource(key);
        GenericKubernetesResource live = r.get();
        GenericKubernetesResource next = clean(target);
        if ("Deployment".equals(key.kind())) {
            keep(next, live, "replicas");
        }
        if ("Service".equals(key.kind())) {
            keep(next, live, "clusterIP");
            keep(next, live, "clusterIPs");
        }
        next.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
        cluster.item(key, next).update();
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
