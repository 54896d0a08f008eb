package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

class MlHistoryTest extends PipelineTest {

    @Test
    void asksTheCliWhatServedAtAnInstantAndReturnsItsRows() {
        agent.usualFields.history = DocumentedResults.BY_COMMAND.history

        Map result = agent.run('mlHistory_prod') as Map

        Map run = agent.runs[0]
        assertEquals('history', run.command)
        assertEquals([spec: 'mlship.yaml', env: 'prod', at: '2026-12-04T10:00:00Z', resultDir: '.mlship/steps/mlHistory-1'], run.params)
        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertEquals(agent.resultOf(run), result)
        assertEquals(['r42'], result.rows*.releaseId)
        assertEquals(DocumentedResults.DIGEST, result.serving.imageDigest)
        assertTrue(agent.echoes.contains("prod served ${DocumentedResults.DIGEST} since 2026-12-03T16:20:00Z " +
                '(https://jenkins.example.com/job/reco-service/job/main/42/)' as String), agent.echoes.toString())
    }

    @Test
    void withoutAnInstantEveryChangeIsAskedFor() {
        binding.setVariable('stepArgs', [env: 'staging'])

        agent.run('mlHistory_args')

        assertEquals([spec: 'mlship.yaml', env: 'staging', resultDir: '.mlship/steps/mlHistory-1'], agent.runs[0].params)
    }

    @Test
    void aMisspeltKeyIsRefusedBeforeAnythingRuns() {
        binding.setVariable('stepArgs', [env: 'prod', when: '2026-12-04T10:00:00Z'])

        String message = agent.failure('mlHistory_args')

        assertTrue(message.startsWith("[mlHistory] unknown parameter 'when'"), message)
        assertTrue(message.endsWith('allowed parameters: at, cli, env, repoRoot, spec, stepsDir'), message)
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void aBadInstantFailsTheBuildWithTheCliMessage() {
        agent.failNext('history', 2, [category: 'badInput', message: "--at 'yesterday' is not an instant",
                                      hint    : 'write an ISO-8601 instant, e.g. --at 2026-12-04T10:00:00Z (UTC) or 2026-12-04T11:00:00+01:00'])
        binding.setVariable('stepArgs', [env: 'prod', at: 'yesterday'])

        String message = agent.failure('mlHistory_args')

        assertTrue(message.startsWith("[mlHistory] bad input: --at 'yesterday' is not an instant"), message)
        assertTrue(message.contains('ISO-8601'), message)
    }
}
