package io.mlship.sandbox.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who owns which fields of an object ({@code metadata.managedFields}) and what a write does to that, after the
 * API server's field manager (structured-merge-diff), in a smaller form. An update (create, replace, any
 * non-apply patch) gives its manager the fields it added or changed and takes them from everyone else. An apply
 * merges the applied configuration into the object; a changed field another manager owns is a conflict unless
 * forced (then the applier takes it); the applier then owns exactly what it sent, and what it owned before and
 * no longer sends is removed unless another manager owns it too.
 */
final class FieldOwnership {
    static final String APPLY = "Apply";
    static final String UPDATE = "Update";

    /** One managedFields entry. Managers are told apart by name, operation and subresource, as the API server does. */
    record Entry(String manager, String operation, String apiVersion, String time, String subresource, FieldSet fields) {
        boolean sameOwner(String otherManager, String otherOperation, String otherSubresource) {
            return manager.equals(otherManager) && operation.equals(otherOperation) && Objects.equals(subresource, otherSubresource);
        }

        Entry withFields(FieldSet changed) {
            return new Entry(manager, operation, apiVersion, time, subresource, changed);
        }

        /** How conflicts name the manager: {@code "kubectl-label" using v1} for an update, the name alone for an apply. */
        String printed() {
            return "\"" + manager + "\"" + (operation.equals(UPDATE) ? " using " + apiVersion : "");
        }

        ObjectNode toJson() {
            ObjectNode e = JsonNodeFactory.instance.objectNode().put("manager", manager).put("operation", operation)
                    .put("apiVersion", apiVersion).put("time", time).put("fieldsType", "FieldsV1");
            e.set("fieldsV1", fields.toFieldsV1());
            if (subresource != null) {
                e.put("subresource", subresource);
            }
            return e;
        }

        static Entry fromJson(JsonNode e) {
            if (!e.path("manager").isTextual() || !e.path("operation").isTextual()) {
                throw new IllegalArgumentException("a metadata.managedFields entry needs manager and operation, got " + e);
            }
            String op = e.get("operation").asText();
            if (!op.equals(APPLY) && !op.equals(UPDATE)) {
                throw new IllegalArgumentException("metadata.managedFields operation must be Apply or Update, not " + op);
            }
            return new Entry(e.get("manager").asText(), op, e.path("apiVersion").asText(""), e.path("time").asText(null),
                    e.hasNonNull("subresource") ? e.get("subresource").asText() : null, FieldSet.fromFieldsV1(e.get("fieldsV1")));
        }
    }

    /** A changed field another manager owns: its path as the API prints it, and that manager. */
    record Conflict(String manager, String field) {
    }

    /** An apply that would change fields other managers own, without force. */
    static final class ConflictsFound extends RuntimeException {
        private final transient List<Conflict> conflicts;

        ConflictsFound(List<Conflict> conflicts) {
            super(message(conflicts));
            this.conflicts = List.copyOf(conflicts);
        }

        List<Conflict> conflicts() {
            return conflicts;
        }

        private static String message(List<Conflict> conflicts) {
            if (conflicts.size() == 1) {
                Conflict c = conflicts.get(0);
                return "Apply failed with 1 conflict: conflict with " + c.manager() + ": " + c.field();
            }
            List<String> lines = new ArrayList<>();
            conflicts.stream().map(Conflict::manager).distinct().sorted().forEach(m -> {
                lines.add("conflicts with " + m + ":");
                conflicts.stream().filter(c -> c.manager().equals(m)).forEach(c -> lines.add("- " + c.field()));
            });
            return "Apply failed with " + conflicts.size() + " conflicts: " + String.join("\n", lines);
        }
    }

    private FieldOwnership() {
    }

    /**
     * {@code after} with the managedFields an update (or a create, {@code before} null) by {@code manager} leaves.
     * Managed fields sent with the object replace the live ones (that is how they are edited); none sent keeps
     * the live ones; an empty list resets them.
     */
    static JsonNode update(JsonNode before, JsonNode after, String manager, String subresource, String now) {
        ObjectFields.Scope scope = scope(subresource);
        JsonNode sent = after.path("metadata").path("managedFields");
        List<Entry> entries;
        if (sent.isArray() && (sent.isEmpty() || (sent.size() == 1 && sent.get(0).isEmpty()))) {
            entries = new ArrayList<>();
        } else if (sent.isArray()) {
            entries = decode(after);
        } else {
            entries = before == null ? new ArrayList<>() : decode(before);
        }
        ObjectFields.Comparison cmp = ObjectFields.compare(before, after, scope);
        List<Entry> next = new ArrayList<>();
        boolean found = false;
        for (Entry e : entries) {
            FieldSet left = e.fields().minus(cmp.removed());
            if (e.sameOwner(manager, UPDATE, subresource)) {
                found = true;
                left = left.union(cmp.changed());
                next.add(left.equals(e.fields()) ? e : new Entry(manager, UPDATE, apiVersion(after), now, subresource, left));
            } else {
                next.add(e.withFields(left.minus(cmp.changed())));
            }
        }
        if (!found) {
            next.add(new Entry(manager, UPDATE, apiVersion(after), now, subresource, cmp.changed()));
        }
        return withEntries(before, after, next);
    }

    /**
     * The object after {@code manager} applies {@code config} to {@code live} (null: the object is created), with
     * its managedFields; throws {@link ConflictsFound} when the apply changes fields others own and is not forced.
     */
    static JsonNode apply(JsonNode live, JsonNode config, String manager, boolean force, String subresource, String now) {
        ObjectFields.Scope scope = scope(subresource);
        List<Entry> entries = live == null ? new ArrayList<>() : decode(live);
        JsonNode merged = StrategicMergePatch.apply(live, config);
        FieldSet applied = ObjectFields.applied(config, scope);
        ObjectFields.Comparison cmp = ObjectFields.compare(live, merged, scope);
        List<Conflict> conflicts = new ArrayList<>();
        FieldSet last = FieldSet.EMPTY;
        List<Entry> next = new ArrayList<>();
        int at = -1;
        for (Entry e : entries) {
            if (e.sameOwner(manager, APPLY, subresource)) {
                last = e.fields();
                at = next.size();
                next.add(e);
                continue;
            }
            FieldSet contested = Objects.equals(e.subresource(), subresource) ? e.fields().intersect(cmp.changed()) : FieldSet.EMPTY;
            contested.paths().forEach(p -> conflicts.add(new Conflict(e.printed(), FieldSet.print(p))));
            next.add(force ? e.withFields(e.fields().minus(contested)) : e);
        }
        if (!conflicts.isEmpty() && !force) {
            throw new ConflictsFound(conflicts);
        }
        Entry mine = new Entry(manager, APPLY, apiVersion(merged), now, subresource, applied);
        if (at >= 0) {
            next.set(at, mine);
        } else {
            next.add(mine);
        }
        FieldSet owned = next.stream().map(Entry::fields).reduce(FieldSet.EMPTY, FieldSet::union);
        JsonNode result = ObjectFields.pruned(merged, last.minus(applied), owned, scope);
        return withEntries(live, result, next);
    }

    /** The managedFields of an object; an entry the API could not have written is a 400 to the writer. */
    static List<Entry> decode(JsonNode object) {
        List<Entry> out = new ArrayList<>();
        object.path("metadata").path("managedFields").forEach(e -> out.add(Entry.fromJson(e)));
        return out;
    }

    private static ObjectFields.Scope scope(String subresource) {
        return "status".equals(subresource) ? ObjectFields.Scope.STATUS : ObjectFields.Scope.MAIN;
    }

    /**
     * {@code object} with managedFields {@code next}, or the live ones when neither the object nor the sets changed.
     * Compared with what is stored, not with managedFields sent in the write: a write that changes only those
     * (an ownership move) is a change.
     */
    private static JsonNode withEntries(JsonNode before, JsonNode object, List<Entry> next) {
        List<Entry> kept = next.stream().filter(e -> !e.fields().isEmpty()).toList();
        boolean setsSame = before != null && sets(decode(before)).equals(sets(kept));
        List<Entry> written = before != null && setsSame && sameContent(before, object) ? decode(before) : kept;
        ObjectNode copy = object.deepCopy();
        ObjectNode meta = copy.has("metadata") && copy.get("metadata").isObject() ? (ObjectNode) copy.get("metadata") : copy.putObject("metadata");
        if (written.isEmpty()) {
            meta.remove("managedFields");
        } else {
            ArrayNode list = meta.putArray("managedFields");
            written.forEach(e -> list.add(e.toJson()));
        }
        return copy;
    }

    /** Each entry's owner and field set; sets compare as sets, whatever order their paths were collected in. */
    private static List<List<Object>> sets(List<Entry> entries) {
        return entries.stream().filter(e -> !e.fields().isEmpty())
                .map(e -> List.<Object>of(e.manager(), e.operation(), String.valueOf(e.subresource()), e.fields())).toList();
    }

    /** Equal apart from the bookkeeping the server keeps (managedFields, resourceVersion). */
    static boolean sameContent(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        return strip(a).equals(strip(b));
    }

    private static JsonNode strip(JsonNode o) {
        ObjectNode copy = o.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode meta) {
            meta.remove("managedFields");
            meta.remove("resourceVersion");
        }
        return copy;
    }

    private static String apiVersion(JsonNode object) {
        return object.path("apiVersion").asText("");
    }
}
