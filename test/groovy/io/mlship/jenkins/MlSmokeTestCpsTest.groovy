package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertNotNull
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

/** mlSmokeTest as Jenkins runs it: CPS-transformed, program state serialized at each step in a body. */
class MlSmokeTestCpsTest extends CpsPipelineTest {

    @Test
    void mlSmokeTestRunsUnderCps() {
        agent.answers.smoke = [exitCode: 0, fields: MlSmokeTestTest.PASSED]

        Map result = agent.run('mlSmokeTest_staging') as Map

        Class runner = helper.gse.groovyClassLoader.loadClass('io.mlship.jenkins.StepRunner')
        assertNotNull(runner.declaredMethods.find { it.name == 'run' }.getAnnotation(com.cloudbees.groovy.cps.WorkflowTransformed))
        assertEquals('.mlship/steps/mlSmokeTest-1', agent.runs[0].params.resultDir)
        assertEquals(agent.resultOf(agent.runs[0]), result)
        assertEquals(result, helper.roundtripSerialization(result))
        assertTrue(agent.echoes.contains('gate passed: p95 42.5 ms, JUnit in build/smoke-junit.xml'))
    }
}
