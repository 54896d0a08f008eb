package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertNull
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/**
 * Approvals bound to what they approve, and superseded builds: examples/reco-service's promotion Jenkinsfile as a
 * promotion to prod (prod takes what passed staging's gate), and its Multibranch file as a main-branch build.
 */
class PipelineApprovalTest extends PipelineTest {
    static final String A = RecoServiceJenkinsfileTest.DIGEST
    static final String B = 'sha256:' + 'b0'.multiply(32)

    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        agent.env.GIT_COMMIT = '0123abcd0123abcd0123abcd0123abcd0123abcd'
        agent.env.BUILD_URL = 'https://jenkins.example.com/job/reco-service/job/main/42/'
        agent.answers.validate = [exitCode: 0, fields: PromotionParametersTest.GATED]
        agent.answers.release = [exitCode: 0, fields: RecoServiceJenkinsfileTest.RELEASED]
        // What passed staging's gate when the build asked: image A and model v3.
        agent.answers['release --resolve-only'] = [exitCode: 0, fields: [resolved: [imageDigest: A, buildsImage: false,
                                                                                    modelVersion: 'v3', passedIn: 'r-aaaaaaaaaaaa']]]
        jenkins.params.putAll(PromotionParametersTest.EMPTY)
    }

    @Test
    void theApproverApprovesANamedDigestAndModelVersionWithAReasonAndTheReleaseGetsAllOfIt() {
        Map out = jenkins.runFile(RecoServiceJenkinsfileTest.PROMOTION) as Map

        Map input = jenkins.eventsOf('input')[0].args
        assertEquals("Release image ${A.take(19)} and model v3 (the spec's canary share), which passed staging's gate, to prod?".toString(), input.message)
        assertEquals(['REASON'], input.parameters*.string*.name, 'the approver must say why')
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals([approvedBy: 'alice', approvalReason: 'checked the canary plan', approvedImageDigest: A, approvedModelVersion: 'v3'],
                release.subMap(['approvedBy', 'approvalReason', 'approvedImageDigest', 'approvedModelVersion']))
        assertEquals('alice', out.approvedBy)
    }

    @Test
    void anApprovalByTheCommitsAuthorIsRefusedAndNothingIsReleased() {
        jenkins.changedBy('alice')
        jenkins.approver = 'Alice'

        String message = jenkins.failureOf(RecoServiceJenkinsfileTest.PROMOTION)

        assertEquals('[mlPipeline] Alice may not approve the release to prod: they wrote the change or started the build, ' +
                'and someone else must look at it (set allowSelfApproval true for a team too small for that)', message)
        assertFalse(jenkins.commands().contains('release'), jenkins.commands().toString())
    }

    @Test
    void anApprovalByWhoeverStartedTheBuildIsRefused() {
        jenkins.startedBy('bob')
        jenkins.approver = 'bob'

        assertTrue(jenkins.failureOf(RecoServiceJenkinsfileTest.PROMOTION).startsWith('[mlPipeline] bob may not approve the release to prod'))
        assertFalse(jenkins.commands().contains('release'))
    }

    @Test
    void aSmallTeamMayAllowSelfApproval() {
        jenkins.changedBy('alice')
        agent.env.BRANCH_NAME = 'main'
        binding.setVariable('stepArgs', [promotion: true, allowSelfApproval: true])

        agent.run('mlPipeline_args')

        assertEquals('alice', agent.runs.find { it.command == 'release' }.params.approvedBy)
    }

    @Test
    void anApprovalWithoutAReasonIsRefused() {
        jenkins.approvalReason = '  '

        assertEquals('[mlPipeline] the approval of the release to prod by alice gave no reason: approve again and fill in ' +
                'REASON (it goes to the release record)', jenkins.failureOf(RecoServiceJenkinsfileTest.PROMOTION))
        assertFalse(jenkins.commands().contains('release'))
    }

    @Test
    void approvingDigestAAndThenReleasingBFails() {
        // Between the approval and the release, staging's gate passed image B: the CLI resolves B and refuses it.
        agent.failNext('release', 2, [category: 'badInput',
                                      message : "refused: this release is not what alice approved (image: approved ${A}, releasing ${B}); nothing was changed".toString(),
                                      hint    : 'ask for a new approval of what is released now, or release what was approved (--image-digest, --model-version)'])

        String message = jenkins.failureOf(RecoServiceJenkinsfileTest.PROMOTION)

        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals(A, release.approvedImageDigest, 'the release is told what was approved')
        assertFalse(release.containsKey('imageDigest'), 'and resolves what to release itself, as the approver could not')
        assertTrue(message.startsWith('[mlRelease] '), message)
        assertTrue(message.contains("refused: this release is not what alice approved (image: approved ${A}, releasing ${B})"), message)
        assertNull(jenkins.currentBuild.description, 'nothing was released')
    }

    @Test
    void anOlderBuildWaitingForApprovalStopsAtTheMilestone() {
        jenkins.supersededAt = 'Approve release to prod'

        assertEquals("Superseded by build #8 at milestone 'Approve release to prod'", jenkins.failureOf(RecoServiceJenkinsfileTest.PROMOTION))
        assertTrue(jenkins.eventsOf('input').isEmpty(), 'nobody is asked to approve a superseded build')
        assertFalse(jenkins.commands().contains('release'))
    }

    @Test
    void anOlderApprovedBuildStopsAtTheMilestoneBeforeTheRelease() {
        jenkins.supersededAt = 'Release to prod'

        assertEquals("Superseded by build #8 at milestone 'Release to prod'", jenkins.failureOf(RecoServiceJenkinsfileTest.PROMOTION))
        assertEquals(1, jenkins.eventsOf('input').size())
        assertFalse(jenkins.commands().contains('release'))
        List<String> order = jenkins.events.findAll { it.type in ['milestone', 'input'] }.collect { it.label ?: it.type }
        assertEquals(['Approve release to prod', 'input', 'Release to prod'], order)
    }

    @Test
    void anOlderMainBranchBuildStopsAtTheMilestoneBeforeItsRelease() {
        agent.answers.validate = [exitCode: 0, fields: RecoServiceJenkinsfileTest.VALIDATED]
        agent.answers.build = [exitCode: 0, fields: RecoServiceJenkinsfileTest.BUILT]
        RecoServiceJenkinsfileTest.asMainBranch(agent.env)
        jenkins.params.clear()
        jenkins.supersededAt = 'Release to staging'

        assertEquals("Superseded by build #8 at milestone 'Release to staging'", jenkins.failureOf(RecoServiceJenkinsfileTest.MULTIBRANCH))
        assertEquals(['validate', 'build'], jenkins.commands())
        assertTrue(jenkins.eventsOf('lock').isEmpty())
    }
}
