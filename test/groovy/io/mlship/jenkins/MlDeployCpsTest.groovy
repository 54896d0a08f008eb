package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals

import org.junit.jupiter.api.Test

/** mlDeploy as Jenkins runs it: CPS-transformed, its state serialized at each step. */
class MlDeployCpsTest extends CpsPipelineTest {

    @Test
    void mlDeployRunsUnderCps() {
        agent.answers.deploy = [exitCode: 0, fields: [namespace: 'reco', revision: '2', previousRevision: '1', rolloutSeconds: 12.0]]

        Map result = agent.run('mlDeploy_staging') as Map

        Class runner = helper.gse.groovyClassLoader.loadClass('io.mlship.jenkins.StepRunner')
        assert runner.declaredMethods.find { it.name == 'run' }.getAnnotation(com.cloudbees.groovy.cps.WorkflowTransformed) != null
        assertEquals('.mlship/steps/mlDeploy-1', agent.runs[0].params.resultDir)
        assertEquals(agent.resultOf(agent.runs[0]), result)
        assertEquals('2', result.revision)
        assertEquals(result, helper.roundtripSerialization(result))
    }
}
