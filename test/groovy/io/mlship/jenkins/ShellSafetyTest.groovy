package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

/** User values reach the CLI only inside the params JSON and env vars, never inside a shell script. */
class ShellSafetyTest extends PipelineTest {
    static final String HOSTILE = 'x"; touch /tmp/pwned; echo \'$(id)\' `uname -a` ${HOME} $HOME \\\nline two; exit 0 #'

    @Test
    void hostileValuesNeverBecomePartOfAShellScript() {
        binding.setVariable('hostile', HOSTILE)

        agent.run('hostile_values')

        assertEquals(4, agent.shCalls.size())
        for (Map call in agent.shCalls) {
            assertTrue(call.script in Scripts.ALL, "not a library constant: ${call.script}")
            for (String fragment in ['pwned', '$(id)', '`uname', 'line two', '${HOME}', 'exit 0']) {
                assertFalse((call.script as String).contains(fragment), "${fragment} leaked into ${call.script}")
            }
            assertTrue(['script', 'returnStatus', 'returnStdout'].containsAll(call.args.keySet()), "sh args: ${call.args.keySet()}")
        }
        // …and reach the CLI intact.
        assertEquals([spec: HOSTILE, env: HOSTILE, resultDir: '.mlship/steps/mlValidate-1'], agent.runs[0].params)
        assertEquals([spec     : HOSTILE, env: HOSTILE, imageDigest: HOSTILE, output: HOSTILE,
                      resultDir: '.mlship/steps/mlRender-2'], agent.runs[1].params)
        assertEquals(HOSTILE, agent.runs[1].env.MLSHIP_CLI)
    }

    @Test
    void parameterValuesAreNeverEchoed() {
        binding.setVariable('hostile', HOSTILE)

        agent.run('hostile_values')

        assertTrue(agent.echoes.every { !it.contains('pwned') || it.contains('using mlship') }, agent.echoes.toString())
        assertEquals(2, agent.echoes.size(), 'only the "using mlship" line per CLI')
    }
}
