package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test

/** The runner's handling of parameter types and of params that are not for the CLI, on a test-only step. */
class StepRunnerTest extends PipelineTest {

    @BeforeEach
    void fakeStep() {
        agent.resources['io/mlship/steps/mlFake.json'] = '''{
          "name": "mlFake", "command": "fake", "summary": "s", "description": "d",
          "params": [
            {"name": "service", "type": "string", "required": true, "description": "Service name.", "cli": true},
            {"name": "replicas", "type": "integer", "required": false, "default": 2, "description": "Replicas.", "cli": true},
            {"name": "dryRun", "type": "boolean", "required": false, "default": false, "description": "Dry run.", "cli": true},
            {"name": "tags", "type": "list", "required": false, "description": "Tags.", "cli": true},
            {"name": "credentialsId", "type": "string", "required": false, "description": "For the runner.", "cli": false}
          ],
          "results": [], "example": "mlFake(service: 'reco')"
        }'''
    }

    @Test
    void typedParamsAndDefaultsReachTheCliButNonCliParamsDoNot() {
        String tag = 'canary'
        binding.setVariable('stepArgs', [service: 'reco', tags: ['ml', "${tag}"], credentialsId: 'gcp-sa', replicas: 3L])

        Map result = agent.run('runner_direct') as Map

        assertEquals([service: 'reco', replicas: 3, dryRun: false, tags: ['ml', 'canary'],
                      resultDir: '.mlship/steps/mlFake-1'], agent.runs[0].params)
        assertEquals('fake', agent.runs[0].command)
        assertEquals('succeeded', result.status)
    }

    @Test
    void everyTypeProblemIsReportedAtOnce() {
        binding.setVariable('stepArgs', [service: 7, replicas: '3', dryRun: 'yes', tags: 'ml', credentialsId: true])

        assertEquals("[mlFake] parameter 'service' must be a string, not Integer\n" +
                "  parameter 'replicas' must be an integer, not String\n" +
                "  parameter 'dryRun' must be a boolean, not String\n" +
                "  parameter 'tags' must be a list, not String\n" +
                "  parameter 'credentialsId' must be a string, not Boolean", agent.failure('runner_direct'))
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void nullMeansNotGiven() {
        binding.setVariable('stepArgs', [service: 'reco', replicas: null, tags: null])

        agent.run('runner_direct')

        assertEquals([service: 'reco', replicas: 2, dryRun: false, resultDir: '.mlship/steps/mlFake-1'], agent.runs[0].params)
    }
}
