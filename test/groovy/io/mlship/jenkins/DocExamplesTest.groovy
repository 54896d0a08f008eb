package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue
import static org.junit.jupiter.params.provider.Arguments.arguments

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.Arguments
import org.junit.jupiter.params.provider.MethodSource

/**
 * Every Groovy example in README.md, docs/steps/*.md and vars/*.txt, taken from the files themselves, runs (an
 * mlPipeline example as a pull-request, a main-branch and a promotion build of a Multibranch job) against a CLI that answers with the
 * fields the steps document (DocumentedResults). An example that reads a field no step returns, names a step or
 * an option that does not exist, or uses a variable it never defines fails here, not after someone's push.
 */
class DocExamplesTest extends PipelineTest {
    static final File ROOT = new File('.').canonicalFile
    static final List<String> BUILDS = ['pullRequest', 'main', 'promotion']
    /** Where the examples are written to be loaded as scripts (the loader takes paths under the project). */
    static final String WORK = 'target/doc-examples'

    FakeJenkins jenkins

    @BeforeEach
    void jenkins() {
        jenkins = new FakeJenkins(agent)
        jenkins.install(this)
        // Declarative fragments (post { always { … } }) run their blocks.
        helper.registerAllowedMethod('post', [Closure], { Closure body -> helper.callClosure(body) })
        helper.registerAllowedMethod('always', [Closure], { Closure body -> helper.callClosure(body) })
        agent.usualFields.putAll(DocumentedResults.BY_COMMAND)
        agent.env.GIT_COMMIT = '0123abcd0123abcd0123abcd0123abcd0123abcd'
        agent.env.BUILD_URL = 'https://jenkins.example.com/job/reco-service/job/main/42/'
    }

    /** An mlPipeline example runs as each kind of build; a step example once, in a main-branch build. */
    static List<Arguments> examples() {
        List<Arguments> out = []
        all().each { Map example ->
            List<String> builds = (example.code as String).contains('mlPipeline') ? BUILDS : ['main']
            builds.each { String build -> out << arguments(example.name, build, example.code) }
        }
        return out
    }

    @ParameterizedTest(name = '{0} as a {1} build')
    @MethodSource('examples')
    void runs(String name, String build, String code) {
        asBuild(build)
        File file = new File(ROOT, "${WORK}/${name.replaceAll(/[^A-Za-z0-9]/, '_')}_${build}.jenkinsfile")
        file.parentFile.mkdirs()
        // A step example is part of a Jenkinsfile that loads the library, as docs/steps/README.md says.
        file.setText(code.contains('@Library(') ? code : "@Library('mlship@0.1.0') _\n" + code, 'UTF-8')

        jenkins.runFile(ROOT.toPath().relativize(file.toPath()).toString())

        // Something ran: a step, a junit call, or (a promotion job's first build) the job's parameters were declared.
        assertTrue(!agent.runs.isEmpty() || !jenkins.eventsOf('junit').isEmpty() || !jenkins.eventsOf('properties').isEmpty(),
                "${name} ran nothing:\n${code}")
        assertTrue(agent.errors.isEmpty(), agent.errors.toString())
    }

    @Test
    void everyDocumentedPlaceHasExamples() {
        List<String> names = all()*.name
        assertTrue(names.any { it.startsWith('README.md') }, names.toString())
        StepDocsTest.steps().each { String step ->
            assertTrue(names.any { it.startsWith("docs/steps/${step}.md") }, "no example from docs/steps/${step}.md")
            assertTrue(names.any { it.startsWith("vars/${step}.txt") }, "no example from vars/${step}.txt")
        }
    }

    @Test
    void theCliStandInAnswersWithExactlyTheDocumentedFields() {
        StepDocsTest.steps().each { String step ->
            Map meta = StepDocsTest.metadata(step)
            if (meta.kind == 'pipeline') {
                return
            }
            Set documented = (meta.results*.name as Set) - DocumentedResults.COMMON
            assertEquals(documented, DocumentedResults.BY_COMMAND[meta.command].keySet() - DocumentedResults.COMMON, step)
        }
    }

    @Test
    void anExampleReadingAFieldNoStepReturnsFails() {
        asBuild('main')
        File file = new File(ROOT, "${WORK}/wrong_field.jenkinsfile")
        file.parentFile.mkdirs()
        file.text = "@Library('mlship@0.1.0') _\ndef built = mlBuildImage(env: 'staging')\nmlDeploy(env: 'staging', imageDigest: built.imageDigest)\n"

        String message = jenkins.failureOf(ROOT.toPath().relativize(file.toPath()).toString())

        assertTrue(message.startsWith("[mlDeploy] missing required parameter 'imageDigest'"), message)
        assertTrue(message.contains("mlBuildImage's `digest`"), 'the hint names the field that exists: ' + message)
        assertFalse(message.contains('mlBuild\''), message)
    }

    /** The build as Jenkins sets it up: a pull request, the main branch, or main started with MODEL_VERSION. */
    private void asBuild(String build) {
        if (build == 'pullRequest') {
            agent.env.putAll([CHANGE_ID: '17', CHANGE_TARGET: 'main', CHANGE_BRANCH: 'feature/brand-boost', BRANCH_NAME: 'PR-17'])
        } else {
            agent.env.BRANCH_NAME = 'main'
        }
        if (build == 'promotion') {
            jenkins.params.MODEL_VERSION = 'v3'
        }
    }

    /** Every example: [name: 'docs/steps/mlDeploy.md #1', code: …]; a block holding several Jenkinsfiles is split. */
    static List<Map> all() {
        List<Map> out = []
        Map<String, List<String>> blocks = [:]
        blocks['README.md'] = markdownBlocks(new File(ROOT, 'README.md').getText('UTF-8'))
        StepDocsTest.steps().each { String step ->
            blocks["docs/steps/${step}.md".toString()] = markdownBlocks(new File(ROOT, "docs/steps/${step}.md").getText('UTF-8'))
            blocks["vars/${step}.txt".toString()] = preBlocks(new File(ROOT, "vars/${step}.txt").getText('UTF-8'))
        }
        blocks.each { String file, List<String> codes ->
            int n = 0
            codes.collectMany { splitJenkinsfiles(it) }.each { String code -> out << [name: "${file} #${++n}".toString(), code: code] }
        }
        return out
    }

    static List<String> markdownBlocks(String text) {
        return (text =~ /(?ms)^```groovy\n(.*?)^```/).collect { it[1] as String }
    }

    /** <pre>…</pre> (examples) and <pre><code class="language-groovy">…</code></pre> (sections); other languages are not Groovy. */
    static List<String> preBlocks(String text) {
        List<String> out = []
        (text =~ /(?s)<pre>(?:<code class="language-(\w+)">)?(.*?)(?:<\/code>)?<\/pre>/).each { List m ->
            if (m[1] == null || m[1] == 'groovy') {
                out << (m[2] as String).replace('&lt;', '<').replace('&gt;', '>').replace('&quot;', '"')
                        .replace('&#39;', "'").replace('&amp;', '&').trim() + '\n'
            }
        }
        return out
    }

    /** "// Jenkinsfile…" comment lines start a new file inside one block (mlPipeline's example shows two). */
    static List<String> splitJenkinsfiles(String code) {
        List<String> files = []
        StringBuilder current = new StringBuilder()
        code.readLines().each { String line ->
            if (line.startsWith('// Jenkinsfile') && current.toString().trim()) {
                files << current.toString()
                current = new StringBuilder()
            }
            current.append(line).append('\n')
        }
        files << current.toString()
        return files
    }
}
