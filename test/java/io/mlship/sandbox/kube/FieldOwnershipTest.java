package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** What applies and updates do to an object and its managedFields, managers taking, sharing and losing fields. */
class FieldOwnershipTest {
    static final String T1 = "2026-01-01T00:00:00Z";
    static final String T2 = "2026-01-01T00:00:01Z";
    final ObjectMapper json = new ObjectMapper();

    JsonNode tree(String s) throws Exception {
        return json.readTree(s.replace('\'', '"'));
    }

    JsonNode apply(JsonNode live, String config, String manager, boolean force) throws Exception {
        return FieldOwnership.apply(live, tree(config), manager, force, null, T1);
    }

    JsonNode mergePatch(JsonNode live, String patch, String manager) throws Exception {
        return FieldOwnership.update(live, JsonMergePatch.apply(live, tree(patch)), manager, null, T2);
    }

    JsonNode fieldsOf(JsonNode object, String manager) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals(manager)) {
                return e.get("fieldsV1");
            }
        }
        return null;
    }

    static final String CONFIG_MAP = "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'test-cm','namespace':'default',"
            + "'labels':{'test-label':'test'}},'data':{'key':'value'}}";

    @Test
    void anUpdaterTakesTheFieldsItChangesFromTheApplier() throws Exception {
        // Kubernetes' integration test TestApplyManagedFields: these writes, and the managedFields it expects.
        JsonNode cm = apply(null, CONFIG_MAP, "apply_test", false);
        cm = mergePatch(cm, "{'data':{'new-key':'value'}}", "updater");
        cm = mergePatch(cm, "{'data':{'key':'new value'}}", "updater");

        JsonNode managed = cm.path("metadata").path("managedFields");
        assertThat(managed).hasSize(2);
        assertThat(managed.get(0).path("manager").asText()).isEqualTo("apply_test");
        assertThat(managed.get(0).path("operation").asText()).isEqualTo("Apply");
        assertThat(managed.get(0).path("fieldsV1").toString()).isEqualTo("{\"f:metadata\":{\"f:labels\":{\"f:test-label\":{}}}}");
        assertThat(managed.get(1).path("manager").asText()).isEqualTo("updater");
        assertThat(managed.get(1).path("operation").asText()).isEqualTo("Update");
        assertThat(managed.get(1).path("fieldsV1").toString()).isEqualTo("{\"f:data\":{\"f:key\":{},\"f:new-key\":{}}}");
        assertThat(cm.path("data")).isEqualTo(tree("{'key':'new value','new-key':'value'}"));
    }

    @Test
    void applyingADifferentValueOfAnotherManagersFieldIsAConflictNamingBoth() throws Exception {
        JsonNode cm = apply(null, CONFIG_MAP, "apply_test", false);
        JsonNode before = cm.deepCopy();

        assertThatThrownBy(() -> apply(cm, "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'test-cm'},'data':{'key':'other'}}",
                "second", false))
                .isInstanceOfSatisfying(FieldOwnership.ConflictsFound.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("Apply failed with 1 conflict: conflict with \"apply_test\": .data.key");
                    assertThat(e.conflicts()).containsExactly(new FieldOwnership.Conflict("\"apply_test\"", ".data.key"));
                });
        assertThat(cm).isEqualTo(before);
    }

    @Test
    void aConflictWithAnUpdaterNamesItsApiVersion() throws Exception {
        JsonNode cm = mergePatch(apply(null, CONFIG_MAP, "apply_test", false), "{'metadata':{'labels':{'team':'a'}}}", "kubectl-label");

        assertThatThrownBy(() -> apply(cm, "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'test-cm','labels':{'team':'b'}}}",
                "apply_test", false))
                .hasMessage("Apply failed with 1 conflict: conflict with \"kubectl-label\" using v1: .metadata.labels.team");
    }

    @Test
    void applyingTheSameValueSharesTheFieldInsteadOfConflicting() throws Exception {
        JsonNode cm = apply(null, CONFIG_MAP, "apply_test", false);

        JsonNode shared = apply(cm, "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'test-cm'},'data':{'key':'value'}}",
                "second", false);

        assertThat(fieldsOf(shared, "apply_test").path("f:data").has("f:key")).isTrue();
        assertThat(fieldsOf(shared, "second").path("f:data").has("f:key")).isTrue();
    }

    @Test
    void aForcedApplyTakesTheFieldOver() throws Exception {
        JsonNode cm = apply(null, CONFIG_MAP, "apply_test", false);

        JsonNode forced = apply(cm, "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'test-cm'},'data':{'key':'other'}}",
                "second", true);

        assertThat(forced.path("data").path("key").asText()).isEqualTo("other");
        assertThat(fieldsOf(forced, "second").toString()).isEqualTo("{\"f:data\":{\"f:key\":{}}}");
        assertThat(fieldsOf(forced, "apply_test").toString()).isEqualTo("{\"f:metadata\":{\"f:labels\":{\"f:test-label\":{}}}}");
    }

    @Test
    void aFieldTheApplierStopsSendingIsRemovedUnlessAnotherManagerOwnsItToo() throws Exception {
        JsonNode cm = apply(null, "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'keep':'1','drop':'2','shared':'3'}}",
                "mine", false);
        cm = apply(cm, "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'shared':'3'}}", "theirs", false);

        JsonNode after = apply(cm, "{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':'c'},'data':{'keep':'1'}}", "mine", false);

        assertThat(after.path("data")).isEqualTo(tree("{'keep':'1','shared':'3'}"));
        assertThat(fieldsOf(after, "mine").toString()).isEqualTo("{\"f:data\":{\"f:keep\":{}}}");
    }

    @Test
    void anUnchangedApplyKeepsTheStoredManagedFields() throws Exception {
        JsonNode cm = apply(null, CONFIG_MAP, "apply_test", false);

        JsonNode again = FieldOwnership.apply(cm, tree(CONFIG_MAP), "apply_test", false, null, T2);

        assertThat(again).isEqualTo(cm);
    }

    @Test
    void managedFieldsSentWithAnUpdateReplaceTheStoredOnesEvenWhenNothingElseChanges() throws Exception {
        JsonNode cm = mergePatch(apply(null, CONFIG_MAP, "apply_test", false), "{'data':{'other':'x'}}", "updater");
        JsonNode moved = cm.deepCopy();
        ((com.fasterxml.jackson.databind.node.ArrayNode) moved.path("metadata").path("managedFields")).remove(1);

        JsonNode stored = FieldOwnership.update(cm, moved, "mover", null, T2);

        assertThat(stored.path("metadata").path("managedFields")).hasSize(1);
        assertThat(fieldsOf(stored, "updater")).isNull();
        // Kubernetes' TestClearManagedFieldsWithMergePatch: a list of one empty entry clears them all.
        JsonNode cleared = mergePatch(cm, "{'metadata':{'managedFields':[{}]}}", "clearer");
        assertThat(cleared.path("metadata").has("managedFields")).isFalse();
    }
}
