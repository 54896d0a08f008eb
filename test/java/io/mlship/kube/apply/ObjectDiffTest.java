package io.mlship.kube.apply;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ObjectDiffTest {
    private final ObjectMapper json = new ObjectMapper();

    private JsonNode tree(String text) throws Exception {
        return json.readTree(text.replace('\'', '"'));
    }

    @Test
    void whatOnlyTheServerKeepsIsNotADifference() throws Exception {
        JsonNode live = tree("{'kind':'Service','metadata':{'name':'s','uid':'u','resourceVersion':'9','generation':1,"
                + "'managedFields':[{'manager':'a'}],'labels':{'a':'1'}},'spec':{'clusterIP':'10.0.0.1'},'status':{'x':1}}");
        JsonNode answer = tree("{'kind':'Service','metadata':{'name':'s','uid':'u','resourceVersion':'9','generation':2,"
                + "'managedFields':[{'manager':'b'}],'labels':{'a':'1'},'annotations':{}},'spec':{'clusterIP':'10.0.0.1'},'status':{}}");
        assertThat(ObjectDiff.changes(live, answer)).isEmpty();
    }

    @Test
    void changedAddedAndRemovedFieldsAreListedWithTheirPaths() throws Exception {
        JsonNode live = tree("{'metadata':{'labels':{'a':'1'}},'spec':{'replicas':2,'gone':'x','template':{'spec':{'containers':[{'image':'a'}]}}}}");
        JsonNode answer = tree("{'metadata':{'labels':{'a':'2'}},'spec':{'replicas':3,'template':{'spec':{'containers':[{'image':'b'}]}},'new':true}}");
        assertThat(ObjectDiff.changes(live, answer)).containsExactly(
                "metadata.labels.a: \"1\" → \"2\"",
                "spec.replicas: 2 → 3",
                "spec.gone: \"x\" → (none)",
                "spec.template.spec.containers[0].image: \"a\" → \"b\"",
                "spec.new: (none) → true");
    }

    @Test
    void aListOfAnotherLengthIsOneChange() throws Exception {
        assertThat(ObjectDiff.changes(tree("{'spec':{'hosts':['a']}}"), tree("{'spec':{'hosts':['a','b']}}")))
                .containsExactly("spec.hosts: [\"a\"] → [\"a\",\"b\"]");
    }

    @Test
    void intOrStringValuesCompareByText() throws Exception {
        assertThat(ObjectDiff.changes(tree("{'spec':{'maxUnavailable':'1'}}"), tree("{'spec':{'maxUnavailable':1}}"))).isEmpty();
    }
}
