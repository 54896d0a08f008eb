package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.api.Test

class MlRenderTest extends PipelineTest {
    static final String DIGEST = 'sha256:4f5e6d7c8b9a00112233445566778899aabbccddeeff00112233445566778899'

    @Test
    void rendersOneEnvironmentAndReturnsTheResultFile() {
        Map result = agent.run('mlRender_staging') as Map

        Map run = agent.runs[0]
        assertEquals([spec     : 'mlship.yaml', env: 'staging', imageDigest: DIGEST, output: 'build/staging.yaml',
                      resultDir: '.mlship/steps/mlRender-1'], run.params)
        assertEquals([Scripts.VERSION_EXEC, Scripts.RUN_EXEC], agent.scriptsRun())
        assertEquals([MLSHIP_CLI   : 'mlship', MLSHIP_COMMAND: 'render',
                      MLSHIP_PARAMS: '.mlship/steps/mlRender-1/params.json'],
                agent.shCalls[1].env.findAll { k, v -> k.startsWith('MLSHIP_') })
        assertEquals(agent.resultOf(run), result)
        assertEquals('build/staging.yaml', result.manifestFile)
        assertEquals(['Deployment', 'Service'], result.objects*.kind)
        assertTrue(agent.echoes.contains('rendered 2 objects to build/staging.yaml'))
    }

    @Test
    void outputIsLeftToTheCliWhenNotGiven() {
        binding.setVariable('stepArgs', [env: 'prod', imageDigest: DIGEST])

        Map result = agent.run('mlRender_args') as Map

        assertEquals([spec: 'mlship.yaml', env: 'prod', imageDigest: DIGEST, resultDir: '.mlship/steps/mlRender-1'],
                agent.runs[0].params)
        assertEquals('.mlship/steps/mlRender-1/manifest.yaml', result.manifestFile)
    }

    @Test
    void missingRequiredParametersAreAllReportedBeforeAnythingRuns() {
        String message = agent.failure('mlRender_noargs')

        assertEquals("[mlRender] missing required parameter 'env': Environment to render (a key of `environments` in the spec).\n" +
                "  missing required parameter 'imageDigest': Digest of the image to deploy, e.g. `sha256:0123…` (mlBuildImage's `digest`); " +
                'images are always deployed by digest, never by tag.', message)
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void misspeltKeyGetsASuggestionAndTheAllowedList() {
        binding.setVariable('stepArgs', [env: 'prod', imageDigst: DIGEST])

        String message = agent.failure('mlRender_args')

        assertTrue(message.startsWith("[mlRender] unknown parameter 'imageDigst' — did you mean 'imageDigest'?\n"), message)
        assertTrue(message.contains("missing required parameter 'imageDigest'"), message)
        assertTrue(message.endsWith('allowed parameters: cli, env, imageDigest, output, repoRoot, spec, stepsDir'), message)
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void wrongTypeIsRejected() {
        binding.setVariable('stepArgs', [env: 'prod', imageDigest: DIGEST, output: ['a.yaml']])

        assertEquals("[mlRender] parameter 'output' must be a string, not ArrayList", agent.failure('mlRender_args'))
        assertTrue(agent.shCalls.isEmpty())
    }

    @Test
    void gStringsReachTheCliAsText() {
        String env = 'staging'
        binding.setVariable('stepArgs', [env: "${env}", imageDigest: "sha256:${'0' * 64}", output: "build/${env}.yaml"])

        agent.run('mlRender_args')

        assertEquals([spec     : 'mlship.yaml', env: 'staging', imageDigest: 'sha256:' + '0' * 64,
                      output   : 'build/staging.yaml', resultDir: '.mlship/steps/mlRender-1'], agent.runs[0].params)
    }

    @Test
    void parallelBranchesGetTheirOwnResultDirectories() {
        Map results = agent.run('parallel_branches') as Map

        assertEquals(['.mlship/steps/mlRender-1', '.mlship/steps/mlRender-2'], agent.runs*.params*.resultDir)
        assertEquals('reco-staging', results.staging.objects[0].namespace)
        assertEquals('reco-prod', results.prod.objects[0].namespace)
        assertFalse(results.staging.manifestFile == results.prod.manifestFile)
    }
}
