package io.mlship.sandbox.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which fields of an object a writer sets, as server-side apply counts them. */
class ObjectFieldsTest {
    final ObjectMapper json = new ObjectMapper();

    JsonNode tree(String s) throws Exception {
        return json.readTree(s.replace('\'', '"'));
    }

    @Test
    void anAppliedConfigurationOwnsWhatTheApiServerRecordsForIt() throws Exception {
        // Kubernetes' integration test of apply (TestApplyConvertsManagedFieldsVersion): this configuration, applied
        // to an existing Deployment, gives its manager exactly the fieldsV1 below.
        JsonNode config = tree("""
                {'apiVersion':'apps/v1','kind':'Deployment',
                 'metadata':{'name':'deployment','labels':{'sidecar_version':'release'}},
                 'spec':{'template':{'spec':{'containers':[{'name':'sidecar','image':'sidecar:latest'}]}}}}""");

        JsonNode fields = ObjectFields.applied(config, ObjectFields.Scope.MAIN).toFieldsV1();

        assertThat(fields.toString()).isEqualTo("{\"f:metadata\":{\"f:labels\":{\"f:sidecar_version\":{}}},\"f:spec\":{\"f:template\":"
                + "{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"sidecar\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{}}}}}}}");
    }

    @Test
    void listsMergedByKeyAreOwnedPerElementSetsPerValueAndOtherListsWhole() throws Exception {
        JsonNode config = tree("""
                {'metadata':{'name':'x','namespace':'n','finalizers':['a'],'labels':{'app':'x'}},
                 'spec':{'containers':[{'name':'server','args':['--port','8080'],
                   'env':[{'name':'A','value':'1'}],'volumeMounts':[{'name':'tmp','mountPath':'/tmp'}]}],
                   'volumes':[{'name':'tmp','emptyDir':{}}]},
                 'status':{'phase':'Running'}}""");

        Set<List<String>> paths = ObjectFields.applied(config, ObjectFields.Scope.MAIN).paths();

        String server = "k:{\"name\":\"server\"}";
        assertThat(paths).contains(
                List.of("f:metadata", "f:finalizers", "v:\"a\""),
                List.of("f:metadata", "f:labels", "f:app"),
                List.of("f:spec", "f:containers", server),
                List.of("f:spec", "f:containers", server, "f:args"),
                List.of("f:spec", "f:containers", server, "f:env", "k:{\"name\":\"A\"}", "f:value"),
                List.of("f:spec", "f:containers", server, "f:volumeMounts", "k:{\"mountPath\":\"/tmp\"}", "f:name"),
                List.of("f:spec", "f:volumes", "k:{\"name\":\"tmp\"}", "f:emptyDir"));
        // Identity and status are not the applier's; an atomic list has no members of its own.
        assertThat(paths).noneMatch(p -> p.contains("f:name") && p.size() == 2)
                .noneMatch(p -> p.get(0).equals("f:status"))
                .noneMatch(p -> p.size() > 4 && p.get(3).equals("f:args"));
        assertThat(ObjectFields.applied(config, ObjectFields.Scope.STATUS).paths()).containsExactly(List.of("f:status", "f:phase"));
    }

    @Test
    void servicePortsAreKeyedByPortAndContainerPortsByContainerPort() throws Exception {
        Set<List<String>> service = ObjectFields.applied(tree("{'spec':{'ports':[{'port':80,'targetPort':'http'}]}}"),
                ObjectFields.Scope.MAIN).paths();
        Set<List<String>> pod = ObjectFields.applied(tree("{'spec':{'containers':[{'name':'c','ports':[{'containerPort':8080}]}]}}"),
                ObjectFields.Scope.MAIN).paths();

        assertThat(service).anyMatch(p -> p.get(p.size() - 1).equals("f:targetPort") && p.get(2).startsWith("k:{\"port\":80"));
        assertThat(pod).anyMatch(p -> p.size() == 5 && p.get(4).startsWith("k:{\"containerPort\":8080"));
    }

    @Test
    void anUpdateIsCreditedWithWhatItAddedOrChangedNewMapsIncluded() throws Exception {
        JsonNode before = tree("{'metadata':{'name':'cm'},'data':{'a':'1','b':'2'}}");
        JsonNode after = tree("{'metadata':{'name':'cm','labels':{'team':'x'}},'data':{'a':'1','b':'3','c':'4'}}");

        ObjectFields.Comparison cmp = ObjectFields.compare(before, after, ObjectFields.Scope.MAIN);

        assertThat(cmp.changed().toFieldsV1()).isEqualTo(tree(
                "{'f:data':{'f:b':{},'f:c':{}},'f:metadata':{'f:labels':{'.':{},'f:team':{}}}}"));
        assertThat(cmp.removed().isEmpty()).isTrue();

        ObjectFields.Comparison back = ObjectFields.compare(after, before, ObjectFields.Scope.MAIN);
        assertThat(back.removed().paths()).contains(List.of("f:data", "f:c"), List.of("f:metadata", "f:labels", "f:team"));
    }

    @Test
    void aCreateIsCreditedWithEveryFieldItSets() throws Exception {
        // What the API server records for a kubectl create of a Secret (data and type, the data map marked with ".").
        JsonNode created = tree("{'apiVersion':'v1','kind':'Secret','metadata':{'name':'s'},'data':{'token':'eA=='},'type':'Opaque'}");

        assertThat(ObjectFields.compare(null, created, ObjectFields.Scope.MAIN).changed().toFieldsV1())
                .isEqualTo(tree("{'f:data':{'.':{},'f:token':{}},'f:type':{}}"));
    }

    @Test
    void pruningDropsOnlyWhatNoOneElseClaims() throws Exception {
        JsonNode object = tree("{'metadata':{'annotations':{'old':'1','shared':'2'}},'spec':{'containers':[{'name':'a'},{'name':'b'}]}}");
        FieldSet remove = new FieldSet(Set.of(
                List.of("f:metadata", "f:annotations", "f:old"),
                List.of("f:metadata", "f:annotations", "f:shared"),
                List.of("f:spec", "f:containers", "k:{\"name\":\"b\"}")));
        FieldSet stillOwned = new FieldSet(Set.of(List.of("f:metadata", "f:annotations", "f:shared")));

        JsonNode pruned = ObjectFields.pruned(object, remove, stillOwned, ObjectFields.Scope.MAIN);

        assertThat(pruned).isEqualTo(tree("{'metadata':{'annotations':{'shared':'2'}},'spec':{'containers':[{'name':'a'}]}}"));
    }
}
