package io.mlship.kube.apply;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Identifies one object in a namespace. */
public record ObjectKey(String apiVersion, String kind, String namespace, String name) implements Comparable<ObjectKey> {

    public static ObjectKey of(HasMetadata o) {
        return new ObjectKey(o.getApiVersion(), o.getKind(), o.getMetadata().getNamespace(), o.getMetadata().getName());
    }

    @Override
    public int compareTo(ObjectKey other) {
        int byKind = Integer.compare(KindTable.order(kind), KindTable.order(other.kind));
        return byKind != 0 ? byKind : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return kind + "/" + name;
    }
}
