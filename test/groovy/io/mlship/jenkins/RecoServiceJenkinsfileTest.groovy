package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertNull
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/**
 * examples/reco-service's Jenkinsfiles as Jenkins runs them: the Multibranch file as a pull request and as
 * a main-branch build, and the promotion job's file as a manual promotion build.
 */
class RecoServiceJenkinsfileTest extends PipelineTest {
    static final String MULTIBRANCH = 'examples/reco-service/Jenkinsfile'
    static final String PROMOTION = 'examples/reco-service/Jenkinsfile.promotion'
    static final String DIGEST = 'sha256:4f5e6d7c8b9a00112233445566778899aabbccddeeff00112233445566778899'
    static final Map VALIDATED = [service: 'reco-service', approval: [staging: false, prod: true], parts: [service: true, model: true]]
    static final Map BUILT = [digest: DIGEST, imageRef: 'europe-west4-docker.pkg.dev/ds-artifacts/ds-images/reco-service@' + DIGEST]
    static final Map RELEASED = [environment: 'staging', status: 'released', imageDigest: DIGEST, modelVersionId: '3',
                                 junitFiles : ['.mlship/steps/mlRelease-3/gate-service-junit.xml',
                                               '.mlship/steps/mlRelease-3/gate-vertex-junit.xml'],
                                 recordFile : '.mlship/steps/mlRelease-3/release-record.json']
    static final String GATE_FAILED = "gate-service failed: case 'lipstick' top-3 ids [12, 40, 7] miss 31; " +
            'rolled back: Deployment reco-service revision 6 and model version 2 (100%) serve again'

    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        agent.env.GIT_COMMIT = '0123abcd0123abcd0123abcd0123abcd0123abcd'
        agent.env.BUILD_URL = 'https://jenkins.example.com/job/reco-service/job/main/42/'
        agent.answers.validate = [exitCode: 0, fields: VALIDATED]
        agent.answers.build = [exitCode: 0, fields: BUILT]
        agent.answers.release = [exitCode: 0, fields: RELEASED]
    }

    static void asPullRequest(Map env) {
        env.putAll([BRANCH_NAME: 'PR-17', CHANGE_ID: '17', CHANGE_TARGET: 'main', CHANGE_BRANCH: 'feature/brand-boost'])
    }

    static void asMainBranch(Map env) {
        env.BRANCH_NAME = 'main'
    }

    static void asPromotion(Map params) {
        params.putAll([MODEL_VERSION: 'v3', MODEL_ARTIFACTS: '', ENVIRONMENT: 'prod', CANARY: '10', IMAGE_DIGEST: ''])
    }

    @Test
    void pullRequestChecksEverythingAndTouchesNothingThatRuns() {
        asPullRequest(agent.env)

        Map out = jenkins.runFile(MULTIBRANCH) as Map

        assertEquals('pullRequest', out.kind)
        assertEquals(['Validate spec', 'Check commit messages', 'Build image (tar, no push)', 'Diff against staging',
                      'Check model artifacts', 'Publish reports'], jenkins.stages)
        assertEquals(['validate', 'commits', 'build', 'render', 'deploy', 'promote', 'pr-check'], jenkins.commands())
        assertEquals(true, agent.runs[5].params.checkOnly)
        assertEquals('v2', agent.runs[5].params.modelVersion)
        assertEquals([from: 'origin/main', to: 'HEAD', repo: '.', resultDir: '.mlship/steps/mlCheckCommits-2'], agent.runs[1].params)
        Map build = agent.runs[2].params
        assertEquals(false, build.push)
        assertEquals('.mlship/pipeline/image.tar', build.tar)
        assertEquals('staging', build.env)
        assertEquals(DIGEST, agent.runs[3].params.imageDigest)
        assertEquals([spec: 'mlship.yaml', env: 'staging', imageDigest: DIGEST, dryRun: true, rollback: false, certificateTimeout: '5m',
                      ingressTimeout: '5m', resultDir: '.mlship/steps/mlDeploy-5'], agent.runs[4].params)
        assertEquals('/tmp/secret-kubeconfig', agent.runs[4].env.KUBECONFIG, 'the dry run sees the cluster through the kubeconfig credential')
        assertEquals([[file: [credentialsId: 'gke-apps-kubeconfig', variable: 'MLSHIP_PREFLIGHT_KUBECONFIG']]],
                jenkins.eventsOf('credentials')[0].bindings, 'the preflight found the credentials before any work')
        assertEquals([[file: [credentialsId: 'gke-apps-kubeconfig', variable: 'KUBECONFIG']]], jenkins.eventsOf('credentials')[1].bindings)
        assertTrue(jenkins.eventsOf('input').isEmpty() && jenkins.eventsOf('lock').isEmpty())
        assertFalse(jenkins.commands().contains('release'))
        assertTrue((jenkins.eventsOf('archive')[0].args.artifacts as String).contains('.mlship/steps/**/*.yaml'))
        assertEquals('checked: image sha256:4f5e6d7c8b9a (not pushed) · check success', jenkins.currentBuild.description)
    }

    @Test
    void pullRequestWithBadCommitMessagesFailsListingThem() {
        asPullRequest(agent.env)
        agent.failNext('commits', 2, [category: 'badInput',
                                      message : '1 of 2 commit subjects in origin/main..HEAD do not follow Conventional Commits',
                                      hint    : "write subjects as 'type(scope): description'",
                                      problems: [[severity: 'error', path: '9f8e7d6c5b', line: 0,
                                                  message : "'Update model': does not start with 'type: ' or 'type(scope): '"]]])

        String message = jenkins.failureOf(MULTIBRANCH)

        assertTrue(message.startsWith('[mlCheckCommits] bad input: 1 of 2 commit subjects in origin/main..HEAD'), message)
        assertTrue(message.contains("9f8e7d6c5b: 'Update model': does not start with"), message)
        assertEquals(['validate', 'commits'], jenkins.commands())
    }

    @Test
    void mainBranchBuildsPushesAndReleasesToStagingUnderTheLock() {
        asMainBranch(agent.env)

        Map out = jenkins.runFile(MULTIBRANCH) as Map

        assertEquals('main', out.kind)
        assertEquals(['Validate spec', 'Build and push image', 'Release to staging'], jenkins.stages)
        assertEquals(['validate', 'build', 'release'], jenkins.commands())
        assertEquals(true, agent.runs[1].params.push)
        assertEquals('main', agent.runs[1].params.gitBranch)
        assertEquals([spec     : 'mlship.yaml', env: 'staging', imageDigest: DIGEST, skipBuild: true, modelVersion: 'v2',
                      canary   : 20, lock: 'lease', gitSha: '0123abcd0123abcd0123abcd0123abcd0123abcd',
                      buildUrl : 'https://jenkins.example.com/job/reco-service/job/main/42/',
                      resultDir: '.mlship/steps/mlRelease-3'], agent.runs[2].params)
        assertEquals([[type: 'lock', resource: 'mlship-reco-service-staging', commandsInside: ['release']]], jenkins.eventsOf('lock'))
        assertTrue(jenkins.eventsOf('input').isEmpty(), 'staging needs no approval')
        assertEquals([testResults: '.mlship/steps/mlRelease-3/gate-service-junit.xml,.mlship/steps/mlRelease-3/gate-vertex-junit.xml',
                      allowEmptyResults: true], jenkins.eventsOf('junit')[0].args)
        assertEquals('staging: sha256:4f5e6d7c8b9a · model v2 (version 3)', jenkins.currentBuild.description)
        assertEquals(RELEASED.status, out.release.status)
    }

    @Test
    void aFailedGateFailsTheMainBuildWithTheReasonAndStillPublishesTheResults() {
        asMainBranch(agent.env)
        agent.failNext('release', 1, [category: 'gateFailed', message: GATE_FAILED, hint: 'see the release report'])

        String message = jenkins.failureOf(MULTIBRANCH)

        assertEquals("[mlRelease] gate failed (rolled back): ${GATE_FAILED}\nHint: see the release report".toString(), message)
        assertEquals('.mlship/steps/mlRelease-*/**/*.xml', jenkins.eventsOf('junit')[0].args.testResults, 'the gate results are published')
        assertEquals(1, jenkins.eventsOf('archive').size(), 'the release report is archived')
        List<String> archived = (jenkins.eventsOf('archive')[0].args.artifacts as String).split(/,\s*/) as List
        assertTrue(archived.containsAll(['.mlship/steps/**/*.html', '.mlship/steps/**/*.css']),
                "the reports and the stylesheet they link (Jenkins' CSP blocks inline styles): ${archived}")
        assertNull(jenkins.currentBuild.description, 'nothing was released')
    }

    @Test
    void promotionAsksAPersonOffTheAgentThenReleasesToProdWithTheApprover() {
        asPromotion(jenkins.params)
        agent.env.BRANCH_NAME = null

        Map out = jenkins.runFile(PROMOTION) as Map

        assertEquals('promotion', out.kind)
        assertEquals(['Validate spec', 'Build and push image', 'Approve release to prod', 'Release to prod'], jenkins.stages)
        List names = jenkins.eventsOf('properties')[0].properties[0].parameters.collect { (it.string ?: it.choice).name }
        assertEquals(PromotionParametersTest.NAMES, names)
        assertEquals('prod', agent.runs[0].params.env, 'validated for prod')
        Map input = jenkins.eventsOf('input')[0]
        assertEquals("Release image sha256:4f5e6d7c8b9a and model v3 (canary 10%) to prod?".toString(), input.args.message)
        assertEquals('ds-reco-leads', input.args.submitter)
        assertEquals('approver', input.args.submitterParameter)
        assertFalse(input.onNode as boolean, 'nobody holds an executor while waiting for approval')
        assertEquals([time: 24, unit: 'HOURS'], jenkins.eventsOf('timeout')[0].args)
        assertEquals([spec    : 'mlship.yaml', env: 'prod', imageDigest: DIGEST, skipBuild: true, modelVersion: 'v3', canary: 10,
                      approvedBy: 'alice', approvalReason: 'checked the canary plan', approvedImageDigest: DIGEST,
                      approvedModelVersion: 'v3', lock: 'lease', timeout: '45m',
                      gitSha  : '0123abcd0123abcd0123abcd0123abcd0123abcd',
                      buildUrl: 'https://jenkins.example.com/job/reco-service/job/main/42/', resultDir: '.mlship/steps/mlRelease-4'],
                agent.runs[3].params)
        assertEquals(['validate', 'build', 'release --resolve-only', 'release'], jenkins.commands(),
                'what the approver approves is resolved before they are asked, without changing anything')
        assertTrue(jenkins.events.findIndexOf { it.type == 'input' } < jenkins.events.findIndexOf { it.type == 'lock' })
        assertEquals('mlship-reco-service-prod', jenkins.eventsOf('lock')[0].resource)
        assertEquals('alice', out.approvedBy)
        assertEquals('prod: sha256:4f5e6d7c8b9a · model v3 (version 3) · approved by alice', jenkins.currentBuild.description)
    }

    @Test
    void aRefusedPromotionReleasesNothing() {
        asPromotion(jenkins.params)
        jenkins.approver = null

        assertEquals('Rejected by bob', jenkins.failureOf(PROMOTION))
        assertEquals(['validate', 'build', 'release --resolve-only'], jenkins.commands())
        assertTrue(jenkins.eventsOf('lock').isEmpty())
    }

    @Test
    void promotionOfAnExistingImageSkipsTheBuild() {
        asPromotion(jenkins.params)
        jenkins.params.IMAGE_DIGEST = DIGEST
        jenkins.params.CANARY = ''

        jenkins.runFile(PROMOTION)

        assertEquals(['Validate spec', 'Approve release to prod', 'Release to prod'], jenkins.stages)
        assertEquals(['validate', 'release --resolve-only', 'release'], jenkins.commands())
        assertFalse(agent.runs[2].params.containsKey('canary'), 'the spec\'s canaryPercent applies')
    }

    @Test
    void withoutTheLockablePluginTheCliTakesItsLease() {
        asPromotion(jenkins.params)
        jenkins.withoutLockPlugin()

        jenkins.runFile(PROMOTION)

        assertEquals('lease', agent.runs.find { it.command == 'release' }.params.lock)
        assertTrue(agent.echoes.any { it.contains('mlship release takes its Kubernetes Lease') }, agent.echoes.toString())
    }

    @Test
    void aPromotionWithoutAModelSaysWhichParameterIsMissing() {
        jenkins.params.putAll([MODEL_VERSION: '', MODEL_ARTIFACTS: '', ENVIRONMENT: 'prod'])

        String message = jenkins.failureOf(PROMOTION)

        assertTrue(message.startsWith('[mlPipeline] a promotion build needs the MODEL_VERSION or MODEL_ARTIFACTS parameter'), message)
        assertTrue(message.contains('unless mlship.yaml gives prod promoteFrom'), message)
        assertEquals(['validate'], jenkins.commands(), 'nothing but reading the spec, which says prod has no promoteFrom')
        assertEquals(['Validate spec'], jenkins.stages)
    }
}
