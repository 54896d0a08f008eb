package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/**
 * Promotion in a Multibranch job: Jenkins starts a build with parameters only when the job declares them, so
 * every build declares them; a main branch's build started with them is a promotion. Also the approval prompt
 * and the hints of a model-only repository.
 */
class PromotionParametersTest extends PipelineTest {
    static final List<String> NAMES = ['MODEL_VERSION', 'MODEL_ARTIFACTS', 'ENVIRONMENT', 'CANARY', 'IMAGE_DIGEST',
                                       'FORCE_UNGATED_REASON']
    static final Map FILLED = [MODEL_VERSION: 'v3', MODEL_ARTIFACTS: '', ENVIRONMENT: 'prod', CANARY: '', IMAGE_DIGEST: '',
                               FORCE_UNGATED_REASON: '']
    static final Map EMPTY = FILLED + [MODEL_VERSION: '']
    static final String DIGEST = RecoServiceJenkinsfileTest.DIGEST
    /** validate's answer for a spec whose prod has `promoteFrom: staging`. */
    static final Map GATED = RecoServiceJenkinsfileTest.VALIDATED + [promoteFrom: [prod: 'staging']]
    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        agent.answers.validate = [exitCode: 0, fields: RecoServiceJenkinsfileTest.VALIDATED]
        agent.answers.build = [exitCode: 0, fields: RecoServiceJenkinsfileTest.BUILT]
        agent.answers.release = [exitCode: 0, fields: RecoServiceJenkinsfileTest.RELEASED]
    }

    @Test
    void pullRequestAndMainBuildsDeclareThePromotionParameters() {
        RecoServiceJenkinsfileTest.asPullRequest(agent.env)
        jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH)
        assertEquals(NAMES, declared())

        jenkins.events.clear()
        agent.env.remove('CHANGE_ID')
        agent.env.BRANCH_NAME = 'main'
        jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH)
        assertEquals(NAMES, declared())
    }

    @Test
    void theMainBranchStartedWithTheParametersPromotesToProd() {
        agent.env.BRANCH_NAME = 'main'
        // What Jenkins gives a build of a job that declares the parameters, started with MODEL_VERSION filled.
        jenkins.params.putAll(FILLED)

        Map out = jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH) as Map

        assertEquals('promotion', out.kind)
        assertEquals(['Validate spec', 'Build and push image', 'Approve release to prod', 'Release to prod'], jenkins.stages)
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals(['prod', 'v3', 'alice'], [release.env, release.modelVersion, release.approvedBy])
    }

    @Test
    void aPullRequestStartedWithAModelVersionDoesNotPromote() {
        RecoServiceJenkinsfileTest.asPullRequest(agent.env)
        jenkins.params.putAll([MODEL_VERSION: 'v3', ENVIRONMENT: 'prod'])

        String message = jenkins.failureOf(RecoServiceJenkinsfileTest.MULTIBRANCH)

        assertEquals('[mlPipeline] a pull-request build does not promote: start the promotion on a main branch (main, master) ' +
                'with Build with Parameters', message)
        assertTrue(agent.runs.isEmpty())
    }

    @Test
    void aPromotionJobsFirstBuildDeclaresTheParametersAndStops() {
        Map out = jenkins.runFile(RecoServiceJenkinsfileTest.PROMOTION) as Map

        assertEquals([kind: 'promotion', parametersDeclared: true], out)
        assertEquals(NAMES, declared())
        assertEquals('NOT_BUILT', jenkins.currentBuild.result)
        assertTrue(agent.runs.isEmpty() && jenkins.stages.isEmpty())
        assertTrue(agent.echoes.any { it.contains('start the promotion with Build with Parameters') }, agent.echoes.toString())
    }

    @Test
    void aModelOnlyApprovalNamesTheModelAndTheEnvironmentsCanaryShare() {
        agent.answers.validate = [exitCode: 0, fields: [service: 'reco-ranker-model', approval: [prod: true],
                                                       parts  : [service: false, model: true]]]
        jenkins.params.putAll(FILLED)
        binding.setVariable('stepArgs', [skip: ['service'], approvers: 'ds-reco-leads', environments: [prod: [canary: 5]]])

        agent.run('mlPipeline_args')

        Map input = jenkins.eventsOf('input')[0].args
        assertEquals('Release model v3 (canary 5%) to prod?', input.message)
        assertEquals('ds-reco-leads', input.submitter)
        assertEquals(5, agent.runs.find { it.command == 'release' }.params.canary)
    }

    @Test
    void theCanaryParameterWinsOverTheEnvironmentsShare() {
        jenkins.params.putAll(FILLED + [CANARY: '20'])
        binding.setVariable('stepArgs', [environments: [prod: [canary: 5]]])

        agent.run('mlPipeline_args')

        assertEquals('Release image sha256:4f5e6d7c8b9a and model v3 (canary 20%) to prod?', jenkins.eventsOf('input')[0].args.message)
    }

    @Test
    void withoutACanaryGivenThePromptSaysTheSpecsShareApplies() {
        jenkins.params.putAll(FILLED)
        binding.setVariable('stepArgs', [:])

        agent.run('mlPipeline_args')

        assertEquals("Release image sha256:4f5e6d7c8b9a and model v3 (the spec's canary share) to prod?",
                jenkins.eventsOf('input')[0].args.message)
    }

    @Test
    void aServiceOnlyPromptNamesOnlyTheImage() {
        jenkins.params.putAll(FILLED + [MODEL_VERSION: ''])
        binding.setVariable('stepArgs', [skip: ['model'], promotion: true])

        agent.run('mlPipeline_args')

        assertEquals('Release image sha256:4f5e6d7c8b9a to prod?', jenkins.eventsOf('input')[0].args.message)
    }

    @Test
    void aModelOnlyPromotionWithoutAModelIsNotToldToSkipTheModel() {
        jenkins.params.putAll(EMPTY)
        binding.setVariable('stepArgs', [skip: ['service'], promotion: true])

        String message = agent.failure('mlPipeline_args')

        assertEquals('[mlPipeline] a promotion build needs the MODEL_VERSION or MODEL_ARTIFACTS parameter ' +
                '(the model to release; this repository releases no service), unless mlship.yaml gives prod promoteFrom: ' +
                "then an empty MODEL_VERSION releases what last passed that environment's gate", message)
        assertFalse(message.contains("skip 'model'"))
        assertEquals(['validate'], jenkins.commands(), 'only the spec was read, to see that prod has no promoteFrom')
    }

    // ---- promoteFrom: release what passed the other environment's gate ----

    @Test
    void aPromotionToAnEnvironmentWithPromoteFromBuildsNothingAndLetsTheCliTakeWhatPassed() {
        agent.answers.validate = [exitCode: 0, fields: GATED]
        jenkins.params.putAll(EMPTY)
        binding.setVariable('stepArgs', [promotion: true])
        agent.answers['release --resolve-only'] = [exitCode: 0, fields: [resolved: [imageDigest: DocumentedResults.DIGEST,
                buildsImage: false, modelVersion: 'v3', passedIn: 'r-0123456789ab']]]

        Map out = agent.run('mlPipeline_args') as Map

        assertEquals('promotion', out.kind)
        assertEquals(['Validate spec', 'Approve release to prod', 'Release to prod'], jenkins.stages)
        assertEquals(['validate', 'release --resolve-only', 'release'], jenkins.commands())
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals([], (release.keySet().intersect(['imageDigest', 'skipBuild', 'modelVersion', 'artifacts', 'forceUngated', 'reason']) as List),
                'the CLI resolves what last passed staging\'s gate, and refuses it unless it is what was approved')
        assertEquals(['prod', 'alice', DocumentedResults.DIGEST, 'v3'],
                [release.env, release.approvedBy, release.approvedImageDigest, release.approvedModelVersion])
        assertEquals("Release image ${DocumentedResults.DIGEST.take(19)} and model v3 (the spec's canary share), which passed staging's gate, to prod?".toString(),
                jenkins.eventsOf('input')[0].args.message, 'the approver sees what passed staging\'s gate, by name')
        assertTrue(agent.echoes.contains("[mlPipeline] prod promotes from staging: no image is built; the release takes the image " +
                "and the model version that last passed staging's gate"), agent.echoes.toString())
        assertEquals('prod: sha256:4f5e6d7c8b9a · model version 3 · approved by alice', jenkins.currentBuild.description,
                'the exact digest and version come from the release result')
    }

    @Test
    void anImageDigestOverridesWhatPassedAndTheModelStillComesFromTheGate() {
        agent.answers.validate = [exitCode: 0, fields: GATED]
        jenkins.params.putAll(EMPTY + [IMAGE_DIGEST: DIGEST, CANARY: '10'])
        binding.setVariable('stepArgs', [promotion: true])

        agent.run('mlPipeline_args')

        assertEquals(['Validate spec', 'Approve release to prod', 'Release to prod'], jenkins.stages)
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals([DIGEST, true, 10], [release.imageDigest, release.skipBuild, release.canary])
        assertFalse(release.containsKey('modelVersion') || release.containsKey('artifacts'))
        assertEquals("Release image sha256:4f5e6d7c8b9a and the model version that last passed staging's gate (canary 10%) to prod?",
                jenkins.eventsOf('input')[0].args.message)
    }

    @Test
    void aModelVersionOverridesWhatPassedAndTheImageStillComesFromTheGate() {
        agent.answers.validate = [exitCode: 0, fields: GATED]
        jenkins.params.putAll(FILLED)
        binding.setVariable('stepArgs', [:])

        agent.run('mlPipeline_args')

        assertEquals(['Validate spec', 'Approve release to prod', 'Release to prod'], jenkins.stages, 'a filled MODEL_VERSION still starts a promotion')
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals('v3', release.modelVersion)
        assertFalse(release.containsKey('imageDigest') || release.containsKey('skipBuild'))
        assertEquals("Release model v3 (the spec's canary share) and the image that last passed staging's gate to prod?",
                jenkins.eventsOf('input')[0].args.message)
    }

    @Test
    void forceUngatedReasonReleasesWhatDidNotPassWithTheReason() {
        agent.answers.validate = [exitCode: 0, fields: GATED]
        jenkins.params.putAll(FILLED + [MODEL_VERSION: 'v4', IMAGE_DIGEST: DIGEST, FORCE_UNGATED_REASON: ' hotfix for INC-4711, staging is down '])
        binding.setVariable('stepArgs', [promotion: true])

        agent.run('mlPipeline_args')

        Map run = agent.runs.find { it.command == 'release' }
        assertEquals([true, 'hotfix for INC-4711, staging is down', 'v4', DIGEST],
                [run.params.forceUngated, run.params.reason, run.params.modelVersion, run.params.imageDigest])
        assertTrue(run.paramsText.contains('"forceUngated":true'), run.paramsText)
        assertEquals("Release image sha256:4f5e6d7c8b9a and model v4 (the spec's canary share) to prod, even if they did not pass " +
                "staging's gate (reason: hotfix for INC-4711, staging is down)?", jenkins.eventsOf('input')[0].args.message)
        assertEquals('prod: sha256:4f5e6d7c8b9a · model v4 (version 3) · ungated: hotfix for INC-4711, staging is down · approved by alice',
                jenkins.currentBuild.description)
    }

    @Test
    void withoutAReasonNothingIsForced() {
        agent.answers.validate = [exitCode: 0, fields: GATED]
        jenkins.params.putAll(EMPTY + [FORCE_UNGATED_REASON: '   '])
        binding.setVariable('stepArgs', [promotion: true])

        agent.run('mlPipeline_args')

        Map release = agent.runs.find { it.command == 'release' }.params
        assertFalse(release.containsKey('forceUngated') || release.containsKey('reason'), release.toString())
    }

    @Test
    void anEnvironmentWithoutPromoteFromStillBuildsAndNeedsAModel() {
        // staging promotes nothing; prod promotes from staging; prod-eu has no promoteFrom.
        agent.answers.validate = [exitCode: 0, fields: GATED]
        binding.setVariable('stepArgs', [promotion: true, promotionEnvironments: ['prod', 'prod-eu']])
        jenkins.params.putAll(EMPTY + [ENVIRONMENT: 'prod-eu'])

        String message = agent.failure('mlPipeline_args')

        assertTrue(message.startsWith('[mlPipeline] a promotion build needs the MODEL_VERSION or MODEL_ARTIFACTS parameter ' +
                "(or skip 'model' to release only the service), unless mlship.yaml gives prod-eu promoteFrom"), message)

        jenkins.stages.clear()
        jenkins.params.MODEL_VERSION = 'v3'
        agent.run('mlPipeline_args')

        assertEquals(['Validate spec', 'Build and push image', 'Release to prod-eu'], jenkins.stages)
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals(['prod-eu', 'v3', DIGEST, true], [release.env, release.modelVersion, release.imageDigest, release.skipBuild])
    }

    @Test
    void aModelOnlyPromotionFromStagingNamesTheModelVersionThatPassed() {
        agent.answers.validate = [exitCode: 0, fields: [service: 'reco-ranker-model', approval: [prod: true], promoteFrom: [prod: 'staging'],
                                                       parts  : [service: false, model: true]]]
        jenkins.params.putAll(EMPTY)
        binding.setVariable('stepArgs', [skip: ['service'], promotion: true, environments: [prod: [canary: 5]]])

        agent.run('mlPipeline_args')

        assertEquals("Release the model version that last passed staging's gate (canary 5%) to prod?", jenkins.eventsOf('input')[0].args.message)
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals([true, 5], [release.skipService, release.canary])
        assertFalse(release.containsKey('modelVersion'))
    }

    private List<String> declared() {
        List<Map> props = jenkins.eventsOf('properties')
        assertEquals(1, props.size())
        return props[0].properties[0].parameters.collect { (it.string ?: it.choice).name }
    }
}
