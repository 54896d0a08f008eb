package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** examples/monorepo/Jenkinsfile: two mlPipeline calls in one build stay apart. */
class MonorepoJenkinsfileTest extends PipelineTest {
    static final String JENKINSFILE = 'examples/monorepo/Jenkinsfile'
    static final List<String> NAMES = ['services/reco', 'services/search']

    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        agent.env.GIT_COMMIT = '0123abcd0123abcd0123abcd0123abcd0123abcd'
        agent.usualFields.putAll(DocumentedResults.BY_COMMAND)
        // Each service's own answers: its name (for the lock) and, on release, its own digest.
        agent.usualFields.validate = [service: 'storefront-reco', approval: [staging: false, prod: true],
                                      parts  : [service: true, model: false]]
    }

    @Test
    void aPullRequestKeepsTheTwoPipelinesApartAndChecksCommitsOnce() {
        RecoServiceJenkinsfileTest.asPullRequest(agent.env)

        jenkins.runFile(JENKINSFILE)

        List<String> perService = ['Validate spec', 'Build image (tar, no push)', 'Diff against staging', 'Publish reports']
        assertEquals(['services/reco: Validate spec', 'services/reco: Check commit messages'] +
                perService.drop(1).collect { 'services/reco: ' + it } + perService.collect { 'services/search: ' + it },
                jenkins.stages)
        assertEquals(1, jenkins.commands().count('commits'), 'one commit check per build')
        assertEquals(['.mlship/pipeline/services/reco/image.tar', '.mlship/pipeline/services/search/image.tar'],
                agent.runs.findAll { it.command == 'build' }*.params*.tar)
        assertEquals(['.mlship/pipeline/services/reco/staging.yaml', '.mlship/pipeline/services/search/staging.yaml'],
                agent.runs.findAll { it.command == 'render' }*.params*.output)
        NAMES.each { String name ->
            List dirs = agent.runs.findAll { it.params.spec == name + '/mlship.yaml' }*.params*.resultDir
            assertTrue(dirs.size() >= 4 && dirs.every { it.startsWith('.mlship/pipeline/' + name + '/steps/') }, dirs.toString())
        }
        assertEquals(['.mlship/pipeline/services/reco/**', '.mlship/pipeline/services/search/**'],
                jenkins.eventsOf('archive')*.args*.artifacts)
        String image = DocumentedResults.DIGEST.take(19)
        assertEquals("services/reco — checked: image ${image} (not pushed) · check success\n".toString() +
                "services/search — checked: image ${image} (not pushed) · check success", jenkins.currentBuild.description)
        assertEquals(['.mlship/pipeline/services/reco/check/pr-check.md', '.mlship/pipeline/services/search/check/pr-check.md'],
                agent.runs.findAll { it.command == 'pr-check' }*.params*.output, 'each pipeline composes its own check')
        assertTrue(agent.echoes.any { it.contains("the check 'mlship services/search' (SUCCESS)") }, agent.echoes.toString())
    }

    @Test
    void theMainBranchReleasesBothEachWithItsOwnLineAndFiles() {
        RecoServiceJenkinsfileTest.asMainBranch(agent.env)

        jenkins.runFile(JENKINSFILE)

        assertEquals(['services/reco: Release to staging', 'services/search: Release to staging'],
                jenkins.stages.findAll { it.endsWith('Release to staging') })
        List<Map> releases = agent.runs.findAll { it.command == 'release' }*.params
        assertEquals(NAMES.collect { it + '/mlship.yaml' }, releases*.spec)
        assertEquals(NAMES.collect { '.mlship/pipeline/' + it + '/steps/mlRelease-' }, releases*.resultDir*.replaceAll(/\d+$/, ''))
        assertEquals(NAMES.collect { '.mlship/pipeline/' + it + '/**' }, jenkins.eventsOf('archive')*.args*.artifacts)
        List<String> lines = (jenkins.currentBuild.description as String).readLines()
        assertEquals(2, lines.size(), jenkins.currentBuild.description as String)
        assertTrue(lines[0].startsWith('services/reco — staging: sha256:') && lines[1].startsWith('services/search — staging: sha256:'),
                lines.toString())
    }

    @Test
    void repoRootReachesEveryStepOfItsPipeline() {
        RecoServiceJenkinsfileTest.asMainBranch(agent.env)
        binding.setVariable('stepArgs', [spec: 'services/reco/mlship.yaml', repoRoot: '.', skip: ['model']])

        agent.run('mlPipeline_args')

        assertEquals(['validate', 'build', 'release'], jenkins.commands())
        assertTrue(agent.runs.every { it.params.repoRoot == '.' }, agent.runs*.params.toString())
    }
}
