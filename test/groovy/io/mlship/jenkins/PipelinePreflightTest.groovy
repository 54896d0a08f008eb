package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** What the build needs from Jenkins is checked after `Validate spec`, before anything is built or released. */
class PipelinePreflightTest extends PipelineTest {
    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        agent.answers.validate = [exitCode: 0, fields: RecoServiceJenkinsfileTest.VALIDATED]
        agent.answers.build = [exitCode: 0, fields: RecoServiceJenkinsfileTest.BUILT]
        agent.answers.release = [exitCode: 0, fields: RecoServiceJenkinsfileTest.RELEASED]
        agent.env.BRANCH_NAME = 'main'
    }

    @Test
    void lockJenkinsWithoutTheLockableResourcesPluginFailsNamingThePluginBeforeTheImageIsBuilt() {
        jenkins.withoutLockPlugin()
        binding.setVariable('stepArgs', [lock: 'jenkins'])

        String message = agent.failure('mlPipeline_args')

        assertEquals('[mlPipeline] this Jenkins lacks what the build needs; nothing was built or released:\n' +
                "  no 'lock' step (the Lockable Resources plugin): lock 'jenkins' holds a Jenkins lock around each release " +
                "(lock 'auto' uses the CLI's Kubernetes Lease without it)", message)
        assertEquals(['validate'], jenkins.commands(), 'nothing was built or pushed')
        assertEquals(['Validate spec'], jenkins.stages)
    }

    @Test
    void everyGapIsListedInOneMessage() {
        jenkins.withoutLockPlugin()
        helper.allowedMethodCallbacks.keySet().removeAll { it.name == 'input' }
        jenkins.missingCredentials << 'gke-prod-kubeconfig'
        jenkins.params.putAll([MODEL_VERSION: 'v3', ENVIRONMENT: 'prod'])
        binding.setVariable('stepArgs', [lock: 'jenkins', kubeconfigCredentials: 'gke-prod-kubeconfig'])

        String message = agent.failure('mlPipeline_args')

        List<String> lines = message.readLines()
        assertEquals(4, lines.size(), message)
        assertTrue(lines[1].startsWith("  no 'lock' step (the Lockable Resources plugin)"), message)
        assertEquals("  no 'input' step (the Pipeline: Input Step plugin): a person approves the release to prod", lines[2])
        assertEquals("  credentials 'gke-prod-kubeconfig' (kubeconfig for prod): Could not find credentials entry with ID " +
                "'gke-prod-kubeconfig' — add it as a Secret file credential or fix the id in the Jenkinsfile", lines[3])
        assertEquals(['validate'], jenkins.commands())
    }

    @Test
    void aPullRequestWhoseKubeconfigIsMissingStopsBeforeTheDiff() {
        RecoServiceJenkinsfileTest.asPullRequest(agent.env)
        jenkins.missingCredentials << 'gke-apps-kubeconfig'

        String message = jenkins.failureOf(RecoServiceJenkinsfileTest.MULTIBRANCH)

        assertTrue(message.contains("credentials 'gke-apps-kubeconfig' (kubeconfig for the dry run against staging): " +
                "Could not find credentials entry with ID 'gke-apps-kubeconfig'"), message)
        assertEquals(['validate'], jenkins.commands())
    }

    @Test
    void aJenkinsWithEverythingPassesWithoutAMessage() {
        binding.setVariable('stepArgs', [lock: 'jenkins', kubeconfigCredentials: 'gke-apps-kubeconfig'])

        agent.run('mlPipeline_args')

        assertEquals(['validate', 'build', 'release'], jenkins.commands())
        assertEquals('MLSHIP_PREFLIGHT_KUBECONFIG', jenkins.eventsOf('credentials')[0].bindings[0].file.variable)
    }
}
