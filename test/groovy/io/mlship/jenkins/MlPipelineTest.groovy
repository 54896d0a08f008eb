package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** mlPipeline's options (map form) and how each kind of build is recognised. */
class MlPipelineTest extends PipelineTest {
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
    void everyOptionProblemIsReportedBeforeAnyStage() {
        binding.setVariable('stepArgs', [spce: 'mlship.yaml', skip: ['models'], lock: 'always',
                                         environments: [staging: [canray: 20]]])

        String message = agent.failure('mlPipeline_args')

        assertTrue(message.startsWith("[mlPipeline] unknown parameter 'spce' — did you mean 'spec'?"), message)
        assertTrue(message.contains("skip: 'models' is not a part; parts are model, service, commits, diff"), message)
        assertTrue(message.contains("lock: 'always' is not one of auto, jenkins, lease"), message)
        assertTrue(message.contains("environments.staging: unknown setting 'canray' — did you mean 'canary'? " +
                '(spec values per environment go in mlship.yaml under environments.staging.overrides)'), message)
        assertTrue(jenkins.stages.isEmpty() && agent.runs.isEmpty())
    }

    @Test
    void theStepRunnersOwnKeysAreNotPipelineOptions() {
        binding.setVariable('stepArgs', [stepsDir: 'x', cli: [path: '/opt/mlship/bin/mlship']])

        String message = agent.failure('mlPipeline_args')

        assertTrue(message.startsWith("[mlPipeline] unknown parameter 'stepsDir'\n  unknown parameter 'cli'\n  allowed parameters: "), message)
        assertFalse(message.substring(message.indexOf('allowed parameters')).contains('cli'), message)
    }

    @Test
    void skippingBothPartsLeavesNothingToRelease() {
        binding.setVariable('stepArgs', [skip: ['model', 'service']])

        assertTrue(agent.failure('mlPipeline_args').contains("skip: 'model' and 'service' together leave nothing to release"))
    }

    @Test
    void anotherBranchIsCheckedLikeAPullRequestWithoutTheCommitCheck() {
        agent.env.BRANCH_NAME = 'feature/brand-boost'
        binding.setVariable('stepArgs', [spec: 'ci/mlship.yaml', agent: 'ml-small'])

        Map out = agent.run('mlPipeline_args') as Map

        assertEquals('branch', out.kind)
        assertEquals(['ci: Validate spec', 'ci: Build image (tar, no push)', 'ci: Diff against staging', 'ci: Publish reports'],
                jenkins.stages, 'a spec in a folder names the pipeline')
        assertEquals('ci/mlship.yaml', agent.runs[0].params.spec)
        assertEquals([[type: 'node', label: 'ml-small']], jenkins.eventsOf('node'))
    }

    @Test
    void mainBranchWithoutAModelVersionReleasesTheServiceOnly() {
        agent.env.BRANCH_NAME = 'master'
        binding.setVariable('stepArgs', [lock: 'lease', environments: [staging: [approval: true, timeout: '20m']],
                                         approvers: 'ds-leads'])

        Map out = agent.run('mlPipeline_args') as Map

        assertEquals('main', out.kind)
        Map release = agent.runs.find { it.command == 'release' }.params
        assertEquals(true, release.skipModel)
        assertEquals('lease', release.lock, "lock 'lease' leaves locking to the CLI")
        assertEquals('20m', release.timeout)
        assertEquals('alice', release.approvedBy, 'approval: true in the pipeline asks a person for staging too')
        assertTrue(jenkins.eventsOf('lock').isEmpty())
        assertEquals(['Validate spec', 'Build and push image', 'Approve release to staging', 'Release to staging'], jenkins.stages)
    }

    @Test
    void theSpecsApprovalSettingIsHonoured() {
        agent.env.BRANCH_NAME = 'main'
        agent.answers.validate = [exitCode: 0, fields: [service: 'reco-service', approval: [staging: true]]]
        binding.setVariable('stepArgs', [:])

        agent.run('mlPipeline_args')

        assertEquals(1, jenkins.eventsOf('input').size())
    }

    @Test
    void aCanaryParameterMustBeAPercentage() {
        jenkins.params.putAll([MODEL_VERSION: 'v3', CANARY: '150'])
        binding.setVariable('stepArgs', [:])

        assertEquals("[mlPipeline] CANARY '150' is not a percentage 0-100", agent.failure('mlPipeline_args'))
    }

    @Test
    void anEnvironmentParameterOutsideTheJobsChoicesIsRefused() {
        jenkins.params.putAll([MODEL_VERSION: 'v3', ENVIRONMENT: 'staging'])
        binding.setVariable('stepArgs', [promotionEnvironments: ['prod', 'prod-eu']])

        assertEquals("[mlPipeline] ENVIRONMENT 'staging' is not one this job releases to (prod, prod-eu)", agent.failure('mlPipeline_args'))
    }
}
