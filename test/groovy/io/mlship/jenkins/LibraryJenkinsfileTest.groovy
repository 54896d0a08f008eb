package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

import com.lesfurets.jenkins.unit.BasePipelineTest

/** The library's own Jenkinsfile: tests and image on every build, publishing only when building a tag. */
class LibraryJenkinsfileTest extends BasePipelineTest {
    final List<String> stages = []
    final List<String> shells = []
    final List<Map> archived = []
    final List<Map> published = []
    final Map env = [:]
    boolean tag

    @BeforeEach
    void jenkins() {
        setUp()
        binding.setVariable('env', env)
        binding.setVariable('scm', [:])
        helper.registerAllowedMethod('stage', [String, Closure], { String name, Closure body ->
            stages << name
            body()
        })
        helper.registerAllowedMethod('sh', [String], { String script -> shells << script })
        helper.registerAllowedMethod('buildingTag', [], { -> tag })
        helper.registerAllowedMethod('archiveArtifacts', [Map], { Map args -> archived << args })
        helper.registerAllowedMethod('junit', [Map], { Map args -> published << args })
        helper.registerAllowedMethod('error', [String], { String message -> throw new PipelineFailure(message) })
    }

    @Test
    void aBranchBuildTestsPackagesAndBuildsTheImageWithoutPublishing() {
        runScript('Jenkinsfile')

        assertEquals(['Checkout', 'Test', 'Package CLI', 'Agent image'], stages)
        assertEquals('bin/run-tests', shells[0])
        assertEquals([[testResults: 'target/surefire-reports/*.xml', allowEmptyResults: false]], published)
        assertTrue(shells.contains('mvn -B -ntp -q -Pagent-image jib:buildTar -DskipTests'), shells.toString())
        assertTrue(shells.every { !it.contains('jib:build ') }, 'nothing is pushed')
        assertTrue(archived.isEmpty())
    }

    @Test
    void aTagPublishesTheImageAndTheJar() {
        tag = true
        env.MLSHIP_AGENT_IMAGE = 'registry.example.com/ci/mlship-agent'

        runScript('Jenkinsfile')

        assertEquals(['Checkout', 'Test', 'Package CLI', 'Agent image', 'Publish'], stages)
        assertTrue(shells.last().contains('-Pagent-image jib:build -DskipTests -Dmlship.agent.image="$MLSHIP_AGENT_IMAGE"'), shells.last())
        assertEquals('target/mlship-*-cli.jar, target/mlship-cli.jar.sha256, target/mlship-agent.digest', archived[0].artifacts)
    }

    @Test
    void aTagWithoutAnImageNameStopsBeforePushing() {
        tag = true

        PipelineFailure failure = null
        try {
            runScript('Jenkinsfile')
        } catch (PipelineFailure e) {
            failure = e
        }

        assertTrue(failure?.message?.startsWith('set MLSHIP_AGENT_IMAGE'), String.valueOf(failure))
        assertTrue(shells.every { !it.contains('jib:build ') })
    }
}
