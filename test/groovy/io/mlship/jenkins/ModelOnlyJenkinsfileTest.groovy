package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** examples/model-only/Jenkinsfile as a pull request, a main-branch build and a (remotely started) promotion build. */
class ModelOnlyJenkinsfileTest extends PipelineTest {
    static final String JENKINSFILE = 'examples/model-only/Jenkinsfile'
    static final Map RELEASED = [environment: 'staging', status: 'released', modelVersionId: '4',
                                 junitFiles : ['.mlship/steps/mlRelease-2/gate-vertex-junit.xml']]

    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        agent.env.GIT_COMMIT = '89ab89ab89ab89ab89ab89ab89ab89ab89ab89ab'
        agent.env.BUILD_URL = 'https://jenkins.example.com/job/reco-ranker-model/job/main/7/'
        agent.answers.validate = [exitCode: 0, fields: [service: 'reco-ranker-model', approval: [staging: false, prod: true]]]
        agent.answers.release = [exitCode: 0, fields: RELEASED]
    }

    @Test
    void pullRequestValidatesAndChecksCommitsOnly() {
        RecoServiceJenkinsfileTest.asPullRequest(agent.env)

        jenkins.runFile(JENKINSFILE)

        assertEquals(['Validate spec', 'Check commit messages', 'Publish reports'], jenkins.stages)
        assertEquals(['validate', 'commits', 'pr-check'], jenkins.commands())
        assertEquals('checked · check success', jenkins.currentBuild.description)
    }

    @Test
    void mainBranchReleasesTheModelOnly() {
        RecoServiceJenkinsfileTest.asMainBranch(agent.env)

        jenkins.runFile(JENKINSFILE)

        assertEquals(['Validate spec', 'Release to staging'], jenkins.stages)
        Map release = agent.runs[1].params
        assertEquals([spec     : 'mlship.yaml', env: 'staging', modelVersion: 'v1', canary: 20, skipService: true, lock: 'lease',
                      gitSha   : '89ab89ab89ab89ab89ab89ab89ab89ab89ab89ab', buildUrl: 'https://jenkins.example.com/job/reco-ranker-model/job/main/7/',
                      resultDir: '.mlship/steps/mlRelease-2'], release)
        assertEquals('mlship-reco-ranker-model-staging', jenkins.eventsOf('lock')[0].resource)
        assertEquals('.mlship/steps/mlRelease-2/gate-vertex-junit.xml', jenkins.eventsOf('junit')[0].args.testResults)
        assertEquals('staging: service unchanged · model v1 (version 4)', jenkins.currentBuild.description)
    }

    @Test
    void aBuildWithAModelArtifactsParameterIsAPromotionToProd() {
        // As the training-finished trigger starts it: buildWithParameters?MODEL_ARTIFACTS=gs://…
        agent.env.BRANCH_NAME = 'main'
        jenkins.params.MODEL_ARTIFACTS = 'gs://ds-training-output/reco-ranker/run-2026-11-22T21-40/'
        jenkins.approver = 'carol'

        Map out = jenkins.runFile(JENKINSFILE) as Map

        assertEquals('promotion', out.kind)
        assertEquals(['Validate spec', 'Approve release to prod', 'Release to prod'], jenkins.stages)
        Map release = agent.runs[2].params
        assertEquals('gs://ds-training-output/reco-ranker/run-2026-11-22T21-40/', release.artifacts)
        assertFalse(release.containsKey('modelVersion'))
        assertEquals('carol', release.approvedBy)
        assertEquals('gs://ds-training-output/reco-ranker/run-2026-11-22T21-40/', release.approvedModelVersion,
                'a folder is what the approver saw when no version names the model')
        assertFalse(release.containsKey('approvedImageDigest'), 'a model-only release approves no image')
        assertEquals(true, release.skipService)
        assertTrue((jenkins.eventsOf('input')[0].args.message as String).contains('model gs://ds-training-output/reco-ranker/run-2026-11-22T21-40/'))
    }
}
