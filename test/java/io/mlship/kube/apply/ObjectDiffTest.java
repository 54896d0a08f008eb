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
    void whatTheServerAddsIsNotADifference() throws Exception {
        JsonNode desired = tree("{'kind':'Service','metadata':{'name':'s','labels':{'a':'1'}},'spec':{'ports':[{'port':80,'targetPort':'http'}]}}");
        JsonNode live = tree("{'kind':'Service','metadata':{'name':'s','uid':'u','resourceVersion':'9','labels':{'a':'1','extra':'x'}},"
                + "'spec':{'clusterIP':'10.0.0.1','ports':[{'port':80,'targetPort':'http','protocol':'TCP'}]},'status':{}}");
        assertThat(ObjectDiff.changes(desired, live)).isEmpty();
    }

    @Test
    void changedFieldsAreListedWithTheirPaths() throws Exception {
        JsonNode desired = tree("{'metadata':{'labels':{'a':'2'}},'spec':{'replicas':3,'template':{'spec':{'containers':[{'image':'b'}]}},'new':true}}");
        JsonNode live = tree("{'metadata':{'labels':{'a':'1'}},'spec':{'replicas':2,'template':{'spec':{'containers':[{'image':'a'}]}}}}");
        assertThat(ObjectDiff.changes(desired, live)).containsExactly(
                "metadata.labels.a: \"1\" → \"2\"",
                "spec.replicas: 2 → 3",
                "spec.template.spec.containers[0].image: \"a\" → \"b\"",
                "spec.new: (none) → true");
    }

    @Test
    void aListOfAnotherLengthIsOneChange() throws Exception {
        JsonNode desired = tree("{'spec':{'hosts':['a','b']}}");
        JsonNode live = tree("{'spec':{'hosts':['a']}}");
        assertThat(ObjectDiff.changes(desired, live)).containsExactly("spec.hosts: [\"a\"] → [\"a\",\"b\"]");
    }

    @Test
    void intOrStringValuesCompareByText() throws Exception {
        assertThat(ObjectDiff.changes(tree("{'spec':{'maxUnavailable':1}}"), tree("{'spec':{'maxUnavailable':'1'}}"))).isEmpty();
    }
}
