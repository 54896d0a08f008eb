package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The patches kubectl apply sends, applied as the API server would. */
class StrategicMergePatchTest {
    final ObjectMapper json = new ObjectMapper();

    JsonNode apply(String target, String patch) throws Exception {
        return StrategicMergePatch.apply(json.readTree(target.replace('\'', '"')), json.readTree(patch.replace('\'', '"')));
    }

    @Test
    void containersMergeByNameAndKeepTheirOrder() throws Exception {
        JsonNode out = apply("{'spec':{'containers':[{'name':'a','image':'a:1','ports':[{'containerPort':80}]},{'name':'b','image':'b:1'}]}}",
                "{'spec':{'$setElementOrder/containers':[{'name':'a'},{'name':'b'}],'containers':[{'name':'b','image':'b:2'}]}}");
        assertThat(out).isEqualTo(json.readTree("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"a:1\",\"ports\":[{\"containerPort\":80}]},"
                + "{\"name\":\"b\",\"image\":\"b:2\"}]}}"));
    }

    @Test
    void nullDeletesAFieldAndPatchDeleteAListElement() throws Exception {
        JsonNode out = apply("{'metadata':{'labels':{'a':'1','b':'2'}},'env':[{'name':'X','value':'1'},{'name':'Y','value':'2'}]}",
                "{'metadata':{'labels':{'b':null}},'env':[{'name':'X','$patch':'delete'}]}");
        assertThat(out).isEqualTo(json.readTree("{\"metadata\":{\"labels\":{\"a\":\"1\"}},\"env\":[{\"name\":\"Y\",\"value\":\"2\"}]}"));
    }

    @Test
    void servicePortsMergeByPortAndOtherListsAreReplaced() throws Exception {
        JsonNode out = apply("{'ports':[{'port':80,'name':'http'},{'port':443,'name':'https'}],'args':['a','b']}",
                "{'ports':[{'port':443,'targetPort':8443}],'args':['c']}");
        assertThat(out).isEqualTo(json.readTree("{\"ports\":[{\"port\":80,\"name\":\"http\"},{\"port\":443,\"name\":\"https\",\"targetPort\":8443}],"
                + "\"args\":[\"c\"]}"));
    }

    @Test
    void retainKeysAndReplaceDirectives() throws Exception {
        JsonNode out = apply("{'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},'selector':{'a':'1','b':'2'}}",
                "{'strategy':{'$retainKeys':['type'],'type':'Recreate'},'selector':{'$patch':'replace','c':'3'}}");
        assertThat(out).isEqualTo(json.readTree("{\"strategy\":{\"type\":\"Recreate\"},\"selector\":{\"c\":\"3\"}}"));
    }

    @Test
    void finalizersMergeAsASetAndCanBeDeleted() throws Exception {
        JsonNode out = apply("{'finalizers':['a','b']}", "{'finalizers':['c'],'$deleteFromPrimitiveList/finalizers':['a']}");
        assertThat(out).isEqualTo(json.readTree("{\"finalizers\":[\"b\",\"c\"]}"));
    }
}
