package io.mlship.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pull request's check, as its reader sees it: each part from its step's result, the deltas from the blessing. */
class PullRequestCheckTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String DIGEST = "sha256:" + "4f".repeat(32);

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    static final JsonNode VALID = json("{'valid':true,'environments':['staging'],'problems':[]}");
    static final JsonNode BUILT = json("{'digest':'" + DIGEST + "','pushed':false}");
    static final JsonNode DIFF = json("{'dryRun':true,'objects':["
            + "{'kind':'Deployment','name':'reco-service','action':'update','fields':['spec.template.spec.containers[0].image']},"
            + "{'kind':'Service','name':'reco-service','action':'unchanged'},"
            + "{'kind':'PodDisruptionBudget','name':'reco-service','action':'create'}]}");
    static final JsonNode BLESSED = json("{'action':'check','artifacts':'gs://ds/reco-ranker/v3/','files':4,'blessing':{"
            + "'blessed':true,'metricsFile':'metrics.json','prodVersion':'7','overridden':false,"
            + "'metrics':[{'name':'ndcg@10','candidate':0.642,'prod':0.631,'delta':0.011},"
            + "{'name':'recall@20','candidate':0.48,'prod':0.5,'delta':-0.02}],"
            + "'thresholds':[{'rule':'ndcg@10 >= 0.6','passed':true,'detail':'0.642 >= 0.6'},"
            + "{'rule':'recall@20 >= prod - 0.05','passed':true,'detail':'0.48 >= 0.45'}]}}");
    static final PlannedTraffic TRAFFIC = new PlannedTraffic("reco.internal", List.of(10, 50), "reco-ranker-prod", 10);

    @Test
    void namesEachPartTheDiffTheTrafficAndTheMetricDeltas() {
        PullRequestCheck check = new PullRequestCheck("reco-service", "staging", VALID, BUILT, DIFF, BLESSED, TRAFFIC);

        assertThat(check.conclusion()).isEqualTo("success");
        assertThat(check.title()).isEqualTo("mlship: reco-service against staging");
        assertThat(check.summary()).isEqualTo("| | staging |\n|---|---|\n"
                + "| Spec | ✅ valid for staging |\n"
                + "| Image | `" + DIGEST + "` (built to a tar, not pushed) |\n"
                + "| Manifest diff | 2 of 3 objects change |\n"
                + "| Model | `gs://ds/reco-ranker/v3/` (4 files); ✅ blessed |\n");
        String md = check.markdown();
        assertThat(md).contains("```diff\n! Deployment reco-service (update)\n    spec.template.spec.containers[0].image\n"
                + "  Service reco-service (unchanged)\n+ PodDisruptionBudget reco-service (create)\n```\n");
        assertThat(md).contains("- **Service** on `reco.internal`: canary 10% → 50% → 100%, each step gated")
                .contains("- **Vertex AI** endpoint `reco-ranker-prod`: the new model version gets 10% while its gate runs");
        assertThat(md).contains("| ndcg@10 | 0.6420 | 0.6310 | +0.0110 |\n| recall@20 | 0.4800 | 0.5000 | -0.0200 |\n")
                .contains("prod is version 7")
                .contains("| `recall@20 >= prod - 0.05` | ✅ 0.48 >= 0.45 |");
    }

    @Test
    void anUnblessedCandidateFailsTheCheckUnlessOverridden() {
        JsonNode unblessed = json(BLESSED.toString().replace("\"blessed\":true", "\"blessed\":false")
                .replace("\"passed\":true,\"detail\":\"0.642", "\"passed\":false,\"detail\":\"0.642"));
        JsonNode overridden = json(unblessed.toString().replace("\"overridden\":false", "\"overridden\":{\"reason\":\"INC-9 hotfix\"}"));

        PullRequestCheck failing = new PullRequestCheck("reco-service", "staging", VALID, BUILT, DIFF, unblessed, TRAFFIC);
        PullRequestCheck allowed = new PullRequestCheck("reco-service", "staging", VALID, BUILT, DIFF, overridden, TRAFFIC);

        assertThat(failing.conclusion()).isEqualTo("failure");
        assertThat(failing.title()).endsWith("— needs work");
        assertThat(failing.markdown()).contains("❌ not blessed").contains("| `ndcg@10 >= 0.6` | ❌ 0.642 >= 0.6 |");
        assertThat(allowed.conclusion()).isEqualTo("success");
        assertThat(allowed.markdown()).contains("⚠️ not blessed (overridden)").contains("Blessing overridden: INC-9 hotfix.");
    }

    @Test
    void withoutAnEvaluationTheCheckSaysSoAndPartsThatDidNotRunAreNamed() {
        JsonNode checked = json("{'action':'check','artifacts':'gs://ds/reco-ranker/v3/','files':4}");

        String evaluated = new PullRequestCheck("reco-service", "staging", VALID, BUILT, DIFF, checked, TRAFFIC).markdown();
        String bare = new PullRequestCheck("reco-ranker", "staging", VALID, null, null, null,
                new PlannedTraffic(null, null, "reco-ranker-staging", 5)).markdown();

        assertThat(evaluated).contains("(4 files); no model evaluation configured")
                .contains("No model evaluation configured (`model.evaluation` in the spec");
        assertThat(bare).contains("| Image | not built (no service in this pipeline) |")
                .contains("| Manifest diff | no dry run")
                .contains("| Model | not checked (no model version named) |")
                .doesNotContain("**Service**")
                .contains("- **Vertex AI** endpoint `reco-ranker-staging`: the new model version gets 5%");
    }

    @Test
    void anInvalidSpecFailsTheCheck() {
        JsonNode invalid = json("{'valid':false,'problems':[{'path':'deploy.ingres'}]}");

        PullRequestCheck check = new PullRequestCheck("reco-service", "staging", invalid, null, null, null, null);

        assertThat(check.conclusion()).isEqualTo("failure");
        assertThat(check.summary()).contains("| Spec | ❌ invalid: 1 problem(s) |");
        assertThat(check.markdown()).contains("Nothing would move traffic.");
    }
}
