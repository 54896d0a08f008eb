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
    static final List<String> NAMES = ['MODEL_VERSION', 'MODEL_ARTIFACTS', 'ENVIRONMENT', 'CANARY', 'IMAGE_DIGEST']
    static final Map FILLED = [MODEL_VERSION: 'v3', MODEL_ARTIFACTS: '', ENVIRONMENT: 'prod', CANARY: '', IMAGE_DIGEST: '']
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
        jenkins.params.putAll([MODEL_VERSION: 'v3', MODEL_ARTIFACTS: '', ENVIRONMENT: 'prod', CANARY: '', IMAGE_DIGEST: ''])

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
        jenkins.params.putAll([MODEL_VERSION: '', MODEL_ARTIFACTS: '', ENVIRONMENT: 'prod', CANARY: '', IMAGE_DIGEST: ''])
        binding.setVariable('stepArgs', [skip: ['service'], promotion: true])

        String message = agent.failure('mlPipeline_args')

        assertEquals('[mlPipeline] a promotion build needs the MODEL_VERSION or MODEL_ARTIFACTS parameter ' +
                '(the model to release; this repository releases no service)', message)
        assertFalse(message.contains("skip 'model'"))
    }

    private List<String> declared() {
        List<Map> props = jenkins.eventsOf('properties')
        assertEquals(1, props.size())
        return props[0].properties[0].parameters.collect { (it.string ?: it.choice).name }
    }
}
