package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertNotNull
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

/**
 * The steps as Jenkins runs them: CPS-transformed, with the program state serialized at each step of
 * the withEnv/dir bodies, which hold the runner and all its locals.
 */
class CpsStepsTest extends CpsPipelineTest {

    @Test
    void mlValidateRunsUnderCps() {
        Map result = agent.run('mlValidate_staging') as Map

        assertLibraryWasCpsTransformed()
        assertEquals([spec: 'ci/mlship.yaml', env: 'staging', resultDir: '.mlship/steps/mlValidate-1'], agent.runs[0].params)
        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertEquals(agent.resultOf(agent.runs[0]), result)
        assertEquals(result, helper.roundtripSerialization(result))
        assertEquals(binding.getVariable('mlshipBuildState'), helper.roundtripSerialization(binding.getVariable('mlshipBuildState')))
    }

    @Test
    void mlRenderRunsUnderCps() {
        Map result = agent.run('mlRender_staging') as Map

        assertLibraryWasCpsTransformed()
        assertEquals([spec       : 'mlship.yaml', env: 'staging', output: 'build/staging.yaml',
                      imageDigest: 'sha256:4f5e6d7c8b9a00112233445566778899aabbccddeeff00112233445566778899',
                      resultDir  : '.mlship/steps/mlRender-1'], agent.runs[0].params)
        assertEquals(agent.resultOf(agent.runs[0]), result)
        assertEquals('build/staging.yaml', result.manifestFile)
        assertEquals(result, helper.roundtripSerialization(result))
    }

    @Test
    void argumentErrorsWorkUnderCps() {
        String message = agent.failure('mlValidate_typo')

        assertTrue(message.startsWith("[mlValidate] unknown parameter 'evn' — did you mean 'env'?"), message)
        assertTrue(agent.shCalls.isEmpty())
    }

    /** Guards the guard: without the transform these tests would prove nothing about CPS. */
    private void assertLibraryWasCpsTransformed() {
        Class runner = helper.gse.groovyClassLoader.loadClass('io.mlship.jenkins.StepRunner')
        def run = runner.declaredMethods.find { it.name == 'run' }
        assertNotNull(run.getAnnotation(com.cloudbees.groovy.cps.WorkflowTransformed), 'StepRunner.run is not CPS-transformed')
    }
}
