package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** managedFields' {@code fieldsV1} read into paths and written back, and the set operations ownership uses. */
class FieldSetTest {
    final ObjectMapper json = new ObjectMapper();

    JsonNode tree(String s) throws Exception {
        return json.readTree(s.replace('\'', '"'));
    }

    static List<String> path(String... elements) {
        return List.of(elements);
    }

    @Test
    void readsFieldsKeyedElementsSetValuesAndTheDotThatMarksAPathWithMembers() throws Exception {
        FieldSet set = FieldSet.fromFieldsV1(json.readTree("""
                {"f:metadata":{"f:finalizers":{".":{},"v:\\"a\\"":{}},"f:labels":{"f:app":{}}},
                 "f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{},"f:image":{}}}}}"""));

        assertThat(set.paths()).containsExactlyInAnyOrder(
                path("f:metadata", "f:finalizers"),
                path("f:metadata", "f:finalizers", "v:\"a\""),
                path("f:metadata", "f:labels", "f:app"),
                path("f:spec", "f:containers", "k:{\"name\":\"c\"}"),
                path("f:spec", "f:containers", "k:{\"name\":\"c\"}", "f:image"));
        // A map without "." is not itself in the set, only its members.
        assertThat(set.contains(path("f:metadata", "f:labels"))).isFalse();
        assertThat(set.reaches(path("f:metadata", "f:labels"))).isTrue();
    }

    @Test
    void writesWhatItReadsWithKeysSortedAsTheApiServerDoes() throws Exception {
        // What the API server stored for a pod's container, from a real object (keys in the server's order).
        String real = "{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:image\":{},"
                + "\"f:imagePullPolicy\":{},\"f:name\":{},\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":"
                + "{\".\":{},\"f:containerPort\":{},\"f:protocol\":{}}},\"f:resources\":{}}},\"f:dnsPolicy\":{}}}";

        String written = FieldSet.fromFieldsV1(json.readTree(real)).toFieldsV1().toString();

        assertThat(written).isEqualTo(real);
    }

    @Test
    void aPathWithMembersIsWrittenWithADotAndALeafAsAnEmptyObject() throws Exception {
        FieldSet set = new FieldSet(Set.of(path("f:data"), path("f:data", "f:a"), path("f:metadata", "f:labels", "f:x")));
        assertThat(set.toFieldsV1()).isEqualTo(tree("{'f:data':{'.':{},'f:a':{}},'f:metadata':{'f:labels':{'f:x':{}}}}"));
    }

    @Test
    void keysAndValuesAreEncodedAsCompactJson() {
        assertThat(FieldSet.key("name", TextNode.valueOf("server"))).isEqualTo("k:{\"name\":\"server\"}");
        assertThat(FieldSet.value(TextNode.valueOf("example.com/protect"))).isEqualTo("v:\"example.com/protect\"");
    }

    @Test
    void unionDifferenceIntersectionAndRemovingASubtree() {
        FieldSet a = new FieldSet(Set.of(path("f:data", "f:x"), path("f:data", "f:y")));
        FieldSet b = new FieldSet(Set.of(path("f:data", "f:y"), path("f:data", "f:z")));

        assertThat(a.union(b).paths()).containsExactlyInAnyOrder(path("f:data", "f:x"), path("f:data", "f:y"), path("f:data", "f:z"));
        assertThat(a.minus(b).paths()).containsExactly(path("f:data", "f:x"));
        assertThat(a.intersect(b).paths()).containsExactly(path("f:data", "f:y"));
        assertThat(a.union(b).without(path("f:data")).isEmpty()).isTrue();
        assertThat(a.without(path("f:data", "f:x")).paths()).containsExactly(path("f:data", "f:y"));
    }

    @Test
    void pathsPrintAsConflictMessagesNameThem() {
        assertThat(FieldSet.print(path("f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"server\"}", "f:image")))
                .isEqualTo(".spec.template.spec.containers[name=\"server\"].image");
        assertThat(FieldSet.print(path("f:metadata", "f:finalizers", "v:\"a\""))).isEqualTo(".metadata.finalizers[=\"a\"]");
        assertThat(FieldSet.print(path("f:metadata", "f:labels", "f:team"))).isEqualTo(".metadata.labels.team");
    }

    @Test
    void refusesWhatIsNotFieldsV1() throws Exception {
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(tree("{'data':{}}"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a path element: data");
        assertThatThrownBy(() -> FieldSet.fromFieldsV1(tree("['f:data']"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(FieldSet.fromFieldsV1(null).isEmpty()).isTrue();
    }
}
