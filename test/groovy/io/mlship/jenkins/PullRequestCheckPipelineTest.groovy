package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/**
 * The one check a pull-request build publishes: examples/reco-service's Multibranch Jenkinsfile as a pull request.
 * The pretend CLI's pr-check quotes the result files it is given; the markdown itself is composed and tested in Java.
 */
class PullRequestCheckPipelineTest extends PipelineTest {
    static final Map DIFF = [dryRun: true, objects: [[kind: 'Deployment', name: 'reco-service', action: 'update',
                                                      fields: ['spec.template.spec.containers[0].image']]]]
    static final Map CHECKED = [action: 'check', artifacts: 'gs://ds-training-output/reco-ranker/v2/', files: 4,
                                blessing: [blessed: true, metricsFile: 'metrics.json', prodVersion: '7', overridden: false,
                                           metrics: [[name: 'ndcg@10', candidate: 0.642, prod: 0.631, delta: 0.011]],
                                           thresholds: [[rule: 'ndcg@10 >= prod - 0.01', passed: true, detail: '0.642 >= 0.621']]]]

    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        agent.answers.validate = [exitCode: 0, fields: RecoServiceJenkinsfileTest.VALIDATED]
        agent.answers.build = [exitCode: 0, fields: RecoServiceJenkinsfileTest.BUILT]
        agent.answers.deploy = [exitCode: 0, fields: DIFF]
        agent.answers.promote = [exitCode: 0, fields: CHECKED]
        RecoServiceJenkinsfileTest.asPullRequest(agent.env)
    }

    @Test
    void aPullRequestBuildPublishesOneCheckWithTheDiffAndTheDeltas() {
        jenkins.withChecksPlugin()

        Map out = jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH) as Map

        assertEquals(1, jenkins.checks.size())
        Map check = jenkins.checks[0]
        assertEquals(['mlship', 'mlship: reco-service against staging', 'SUCCESS'], [check.name, check.title, check.conclusion])
        String text = check.text
        assertTrue(text.contains('"fields":["spec.template.spec.containers[0].image"]'), 'the dry run\'s diff: ' + text)
        assertTrue(text.contains('"delta":0.011'), 'the metric deltas from promote --check-only: ' + text)
        assertTrue(text.contains('"digest":"' + RecoServiceJenkinsfileTest.DIGEST + '"'), text)
        Map composed = agent.runs.find { it.command == 'pr-check' }.params
        assertEquals(['staging', '.mlship/pipeline/check/pr-check.md'], [composed.env, composed.output])
        assertEquals(['.mlship/pipeline/check/validate.json', '.mlship/pipeline/check/build.json', '.mlship/pipeline/check/deploy.json',
                      '.mlship/pipeline/check/promote.json'],
                [composed.validateResult, composed.buildResult, composed.deployResult, composed.promoteResult])
        assertTrue((jenkins.eventsOf('archive')[0].args.artifacts as String).contains('.mlship/pipeline/check/*.md'), 'the markdown is archived')
        assertEquals('success', out.check.conclusion)
    }

    @Test
    void aReRunUpdatesTheSameCheck() {
        jenkins.withChecksPlugin()
        jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH)
        agent.answers.putAll([validate: [exitCode: 0, fields: RecoServiceJenkinsfileTest.VALIDATED],
                              build: [exitCode: 0, fields: RecoServiceJenkinsfileTest.BUILT], deploy: [exitCode: 0, fields: DIFF],
                              promote: [exitCode: 0, fields: CHECKED]])

        jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH)

        assertEquals(['mlship', 'mlship'], jenkins.checks*.name, 'one name: the Checks API updates the check it published before')
    }

    @Test
    void withoutTheChecksPluginTheCheckGoesToTheLogAndTheArchivedMarkdown() {
        jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH)

        assertTrue(jenkins.checks.isEmpty())
        String said = agent.echoes.find { it.contains('no publishChecks step') }
        assertTrue(said.startsWith("[mlPipeline] no publishChecks step (Checks API plugin): the check 'mlship' (SUCCESS) follows, " +
                'and is archived as pr-check.md\n## mlship: reco-service against staging'), said)
    }

    @Test
    void aFailedPullRequestBuildStillAnswersOnThePullRequest() {
        jenkins.withChecksPlugin()
        agent.failNext('deploy', 2, [category: 'badInput', message: 'namespace reco-staging: forbidden field spec.foo'])

        String message = jenkins.failureOf(RecoServiceJenkinsfileTest.MULTIBRANCH)

        assertEquals(1, jenkins.checks.size())
        assertEquals(['mlship', 'FAILURE', message], [jenkins.checks[0].name, jenkins.checks[0].conclusion, jenkins.checks[0].summary])
    }

    @Test
    void pullRequestBuildsAbortTheBuildOfASupersededCommitAndOtherBuildsDoNot() {
        jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH)
        List pr = jenkins.eventsOf('properties')[0].properties

        assertEquals([abortPrevious: true], pr.find { it.disableConcurrentBuilds }.disableConcurrentBuilds)
        assertTrue(pr.any { it.parameters }, 'declared with the parameters, in one properties call')

        agent.env.remove('CHANGE_ID')
        RecoServiceJenkinsfileTest.asMainBranch(agent.env)
        agent.answers.putAll([validate: [exitCode: 0, fields: RecoServiceJenkinsfileTest.VALIDATED],
                              build: [exitCode: 0, fields: RecoServiceJenkinsfileTest.BUILT],
                              release: [exitCode: 0, fields: RecoServiceJenkinsfileTest.RELEASED]])
        jenkins.runFile(RecoServiceJenkinsfileTest.MULTIBRANCH)

        assertFalse(jenkins.eventsOf('properties')[1].properties.any { it.disableConcurrentBuilds })
    }
}
