package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

/** Each way of finding the CLI: step cli.path, MLSHIP_CLI, PATH, and a pinned jar from the step or the env. */
class CliLocatorTest extends PipelineTest {
    static final String SHA = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'
    static final String JAR = '.mlship/cli/mlship-0.1.0-cli.jar'
    static final String JAR_URL = 'https://ci:s3cret-token@repo.example.com/maven/io/mlship/mlship/0.1.0/mlship-0.1.0-cli.jar'

    static Map mlshipEnv(Map shCall) {
        return shCall.env.findAll { k, v -> k.startsWith('MLSHIP_') }
    }

    @Test
    void stepCliPathWinsOverTheEnvironment() {
        agent.env.MLSHIP_CLI = '/usr/local/bin/old-mlship'
        agent.env.MLSHIP_CLI_JAR_REPOSITORY = 'https://repo.example.com/maven'

        agent.run('cli_path')

        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertTrue(agent.shCalls.every { it.env.MLSHIP_CLI == '/opt/mlship/bin/mlship' })
        assertEquals('[mlValidate] using mlship 0.1.0 (/opt/mlship/bin/mlship)', agent.echoes[0])
    }

    @Test
    void mlshipCliFromTheEnvironment() {
        agent.env.MLSHIP_CLI = '/tools/mlship/bin/mlship'
        binding.setVariable('stepArgs', [:])

        agent.run('mlValidate_args')

        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertTrue(agent.shCalls.every { it.env.MLSHIP_CLI == '/tools/mlship/bin/mlship' })
        assertEquals('[mlValidate] using mlship 0.1.0 (/tools/mlship/bin/mlship (from MLSHIP_CLI))', agent.echoes[0])
    }

    @Test
    void mlshipOnPathWhenNothingIsConfigured() {
        agent.run('mlValidate_defaults')

        assertTrue(agent.shCalls.every { it.env.MLSHIP_CLI == 'mlship' })
        assertEquals("[mlValidate] using mlship 0.1.0 ('mlship' on PATH)", agent.echoes[0])
    }

    @Test
    void pinnedJarFromTheStepIsFetchedVerifiedAndRun() {
        Map result = agent.run('cli_jar') as Map

        assertEquals([Scripts.FETCH_JAR, Scripts.VERSION_JAR, Scripts.RUN_JAR], agent.scriptsRun())
        assertEquals([MLSHIP_JAR: JAR, MLSHIP_JAR_URL: JAR_URL, MLSHIP_JAR_SHA256: SHA], mlshipEnv(agent.shCalls[0]))
        assertEquals([MLSHIP_JAR: JAR], mlshipEnv(agent.shCalls[1]))
        // The CLI itself never sees the repository URL or its credentials.
        assertEquals([MLSHIP_JAR   : JAR, MLSHIP_COMMAND: 'render',
                      MLSHIP_PARAMS: '.mlship/steps/mlRender-1/params.json'], mlshipEnv(agent.shCalls[2]))
        assertEquals('[mlRender] using mlship 0.1.0 (mlship-0.1.0-cli.jar from https://***@repo.example.com/maven/)',
                agent.echoes[0])
        assertFalse(agent.runs[0].paramsText.contains('repo.example.com'))
        assertEquals('render', result.command)
    }

    @Test
    void pinnedJarFromTheEnvironment() {
        agent.env.MLSHIP_CLI_JAR_REPOSITORY = 'https://repo.example.com/maven'
        agent.env.MLSHIP_CLI_JAR_SHA256 = SHA
        binding.setVariable('stepArgs', [:])

        agent.run('mlValidate_args')

        assertEquals([Scripts.FETCH_JAR, Scripts.VERSION_JAR, Scripts.RUN_JAR], agent.scriptsRun())
        assertEquals([MLSHIP_JAR       : JAR,
                      MLSHIP_JAR_URL   : 'https://repo.example.com/maven/io/mlship/mlship/0.1.0/mlship-0.1.0-cli.jar',
                      MLSHIP_JAR_SHA256: SHA, MLSHIP_CLI_JAR_REPOSITORY: 'https://repo.example.com/maven',
                      MLSHIP_CLI_JAR_SHA256: SHA], mlshipEnv(agent.shCalls[0]))
    }

    @ParameterizedTest
    @ValueSource(strings = ['', 'abc123', 'z9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0',
            '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 9f'])
    void badSha256IsRejectedBeforeAnythingRuns(String sha256) {
        binding.setVariable('stepArgs', [cli: [jar: [repository: 'https://repo.example.com/maven', sha256: sha256]]])

        String message = agent.failure('mlValidate_args')

        assertTrue(message.startsWith('[mlValidate] cli.jar.sha256 must be the sha256 of mlship-0.1.0-cli.jar, ' +
                '64 hex digits ('), message)
        assertTrue(message.endsWith('); mlship never runs a jar it cannot verify'), message)
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void sha256ProblemIsDescribedWithoutEchoingTheValue() {
        binding.setVariable('stepArgs', [cli: [jar: [repository: 'https://repo.example.com/maven', sha256: 'abc123']]])

        String message = agent.failure('mlValidate_args')

        assertTrue(message.contains('(got 6 characters)'), message)
        assertFalse(message.contains('abc123'), message)
    }

    @Test
    void jarRepositoryWithoutSha256InTheEnvironmentIsRejected() {
        agent.env.MLSHIP_CLI_JAR_REPOSITORY = 'https://repo.example.com/maven'
        binding.setVariable('stepArgs', [:])

        assertEquals('[mlValidate] MLSHIP_CLI_JAR_SHA256 must be the sha256 of mlship-0.1.0-cli.jar, 64 hex digits ' +
                '(it is not set); mlship never runs a jar it cannot verify', agent.failure('mlValidate_args'))
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void jarRepositoryMustBeAUrlAndIsNeverShownWithCredentials() {
        binding.setVariable('stepArgs', [cli: [jar: [repository: 'ftp://ci:s3cret-token@repo.example.com/maven', sha256: SHA]]])

        assertEquals('[mlValidate] cli.jar.repository must be the https://, http:// or file:// URL of the Maven ' +
                'repository holding mlship-0.1.0-cli.jar, not ftp://***@repo.example.com/maven',
                agent.failure('mlValidate_args'))
    }

    @Test
    void jarWhoseChecksumDoesNotMatchIsNeverRun() {
        agent.fetchStatus = 11

        String message = agent.failure('cli_jar')

        assertEquals('[mlRender] the jar mlship-0.1.0-cli.jar from https://***@repo.example.com/maven/ does not have ' +
                "sha256 ${SHA}; refusing to run it. Check that cli.jar.sha256 is the sha256 of mlship-0.1.0-cli.jar",
                message)
        assertEquals([Scripts.FETCH_JAR], agent.scriptsRun())
    }

    @Test
    void failedDownloadIsReportedWithoutCredentials() {
        agent.fetchStatus = 10

        assertEquals('[mlRender] could not download mlship-0.1.0-cli.jar from https://***@repo.example.com/maven/ ' +
                '(exit 10); see the console log above', agent.failure('cli_jar'))
        assertEquals([Scripts.FETCH_JAR], agent.scriptsRun())
    }

    @Test
    void misspeltCliKeyGetsASuggestion() {
        binding.setVariable('stepArgs', [cli: [pth: '/opt/mlship/bin/mlship']])

        assertEquals("[mlValidate] unknown key 'pth' in cli — did you mean 'path'? (allowed: jar, path)",
                agent.failure('mlValidate_args'))
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void cliMustBeAMapWithPathOrJar() {
        binding.setVariable('stepArgs', [cli: '/opt/mlship/bin/mlship'])
        assertTrue(agent.failure('mlValidate_args').startsWith('[mlValidate] cli must be a map: '))

        binding.setVariable('stepArgs', [cli: [path: '/opt/mlship', jar: [repository: 'https://r', sha256: SHA]]])
        assertEquals('[mlValidate] cli takes either path or jar, not both', agent.failure('mlValidate_args'))
        assertTrue(agent.shCalls.isEmpty())
    }
}
