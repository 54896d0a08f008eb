package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertNotNull
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.MethodSource

import groovy.json.JsonSlurperClassic

/**
 * resources/io/mlship/steps/<step>.json is the one description of a step: it must be well formed, and
 * vars/<step>.groovy must run it. (vars/<step>.txt is generated from it; StepReferenceTest checks that.)
 */
class StepDocsTest {
    static final File ROOT = new File('.').canonicalFile
    static final List<String> TYPES = ['string', 'boolean', 'integer', 'list', 'map']

    @ParameterizedTest
    @MethodSource('steps')
    void metadataIsWellFormed(String step) {
        Map meta = metadata(step)

        assertEquals(step, meta.name)
        boolean pipeline = meta.kind == 'pipeline'
        assertTrue(pipeline ? meta.command == null : meta.command ==~ /[a-z][a-z-]*/, "command: ${meta.command}")
        ['summary', 'description', 'example'].each { assertTrue((meta[it] as String)?.trim() as boolean, "${it} is empty") }
        assertTrue((meta.example as String).contains(step + '('), 'example calls the step')
        assertFalse(meta.params.isEmpty())
        meta.params.each { Map p ->
            assertEquals(['cli', 'default', 'description', 'name', 'required', 'requires', 'type'] as Set,
                    (p.keySet() + 'default' + 'requires') as Set, "keys of ${p.name}")
            if (p.containsKey('requires')) {
                assertTrue(p.requires instanceof List && !p.requires.isEmpty(), "requires of ${p.name} lists parameters")
                p.requires.each { String other ->
                    assertTrue(other != p.name && meta.params.any { it.name == other }, "${p.name} requires '${other}', a parameter of ${step}")
                }
            }
            assertTrue(p.name ==~ /[a-z][A-Za-z0-9]*/, "camelCase name: ${p.name}")
            assertFalse(p.name in ['cli', 'resultDir'], "${p.name} is reserved for the runner")
            assertTrue(p.type in TYPES, "type of ${p.name}: ${p.type}")
            assertTrue(p.required instanceof Boolean && p.cli instanceof Boolean, "flags of ${p.name}")
            assertFalse(pipeline && p.cli as boolean, "${p.name}: mlPipeline passes nothing to the CLI itself")
            assertTrue((p.description as String).trim() as boolean, "description of ${p.name}")
            if (p.containsKey('default')) {
                assertFalse(p.required as boolean, "required ${p.name} cannot have a default")
                assertNotNull(p.default, "default of ${p.name}")
            }
        }
        assertFalse(meta.results.isEmpty())
        meta.results.each { Map r -> assertEquals(['name', 'description'] as Set, r.keySet()) }
    }

    @ParameterizedTest
    @MethodSource('steps')
    void varsScriptRunsItsOwnMetadata(String step) {
        String script = new File(ROOT, "vars/${step}.groovy").getText('UTF-8')

        if (metadata(step).kind == 'pipeline') {
            assertTrue(script.contains('new PipelineFlow(this, '), script)
            return
        }
        assertTrue(script.contains("new StepRunner(this).run('${step}', args)"), script)
    }

    /** Every step that has metadata. */
    static List<String> steps() {
        return new File(ROOT, 'resources/io/mlship/steps').listFiles()
                .findAll { it.name.endsWith('.json') }
                .collect { it.name - '.json' }
                .sort()
    }

    static Map metadata(String step) {
        return new JsonSlurperClassic().parse(new File(ROOT, "resources/io/mlship/steps/${step}.json"), 'UTF-8') as Map
    }
}
