package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/**
 * Each example Jenkinsfile once as Jenkins runs it: mlPipeline, its closure delegate and its flow
 * CPS-transformed, with the program state serialized at each step inside a node, stage or lock. (CPS runs
 * are slow; the other kinds of build and the failures are covered by the plain pipeline tests.)
 */
class ExampleJenkinsfilesCpsTest extends CpsPipelineTest {
    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        agent.env.GIT_COMMIT = '0123abcd0123abcd0123abcd0123abcd0123abcd'
        agent.env.BUILD_URL = 'https://jenkins.example.com/job/reco-service/job/main/42/'
        agent.answers.validate = [exitCode: 0, fields: RecoServiceJenkinsfileTest.VALIDATED]
        agent.answers.build = [exitCode: 0, fields: RecoServiceJenkinsfileTest.BUILT]
        agent.answers.release = [exitCode: 0, fields: RecoServiceJenkinsfileTest.RELEASED]
    }

    @Test
    void mainBranchUnderCps() {
        RecoServiceJenkinsfileTest.asMainBranch(agent.env)

        Map out = jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH) as Map

        assertEquals(['Validate spec', 'Build and push image', 'Release to staging'], jenkins.stages)
        assertEquals(20, agent.runs[2].params.canary, 'the closure DSL worked under CPS')
        assertEquals('lease', agent.runs[2].params.lock, 'the CLI takes its Lease under the Jenkins lock too')
        assertEquals(out, helper.roundtripSerialization(out))
    }

    @Test
    void promotionUnderCps() {
        RecoServiceJenkinsfileTest.asPromotion(jenkins.params)

        Map out = jenkins.runFile(RecoServiceJenkinsfileTest.PROMOTION) as Map

        assertEquals(['Validate spec', 'Build and push image', 'Approve release to prod', 'Release to prod'], jenkins.stages)
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals(['alice', 'checked the canary plan', RecoServiceJenkinsfileTest.DIGEST],
                [release.approvedBy, release.approvalReason, release.approvedImageDigest])
        assertEquals(out, helper.roundtripSerialization(out))
    }

    @Test
    void promotionFromStagingsGateUnderCps() {
        agent.answers.validate = [exitCode: 0, fields: PromotionParametersTest.GATED]
        jenkins.params.putAll(PromotionParametersTest.EMPTY + [FORCE_UNGATED_REASON: 'hotfix for INC-4711'])

        Map out = jenkins.runFile(RecoServiceJenkinsfileTest.PROMOTION) as Map

        assertEquals(['Validate spec', 'Approve release to prod', 'Release to prod'], jenkins.stages)
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals([true, 'hotfix for INC-4711', null, null], [release.forceUngated, release.reason, release.imageDigest, release.modelVersion])
        assertEquals(out, helper.roundtripSerialization(out))
    }

    @Test
    void monorepoPullRequestUnderCps() {
        RecoServiceJenkinsfileTest.asPullRequest(agent.env)
        agent.usualFields.putAll(DocumentedResults.BY_COMMAND)

        jenkins.runFile(MonorepoJenkinsfileTest.JENKINSFILE)

        assertEquals(1, jenkins.commands().count('commits'), 'the once-per-build flag survived the program state round trips')
        assertEquals(2, (jenkins.currentBuild.description as String).readLines().size())
    }

    @Test
    void modelOnlyMainBranchUnderCps() {
        RecoServiceJenkinsfileTest.asMainBranch(agent.env)

        jenkins.runFile(ModelOnlyJenkinsfileTest.JENKINSFILE)

        assertEquals(['validate', 'release'], jenkins.commands())
        assertEquals(true, agent.runs[1].params.skipService)
    }
}
