package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertNotNull
import static org.junit.jupiter.api.Assertions.assertTrue

import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

import groovy.json.JsonSlurperClassic

/**
 * resources/io/mlship/steps/<step>.json is the one description of a step: it must be well formed, and
 * vars/<step>.groovy and the help in vars/<step>.txt must agree with it.
 */
class StepDocsTest {
    static final File ROOT = new File('.').canonicalFile
    static final List<String> TYPES = ['string', 'boolean', 'integer', 'list']

    @ParameterizedTest
    @ValueSource(strings = ['mlValidate', 'mlRender', 'mlPromoteModel'])
    void metadataIsWellFormed(String step) {
        Map meta = metadata(step)

        assertEquals(step, meta.name)
        assertTrue(meta.command ==~ /[a-z][a-z-]*/, "command: ${meta.command}")
        ['summary', 'description', 'example'].each { assertTrue((meta[it] as String)?.trim() as boolean, "${it} is empty") }
        assertTrue((meta.example as String).contains(step + '('), 'example calls the step')
        assertFalse(meta.params.isEmpty())
        meta.params.each { Map p ->
            assertEquals(['cli', 'default', 'description', 'name', 'required', 'type'] as Set,
                    (p.keySet() + 'default') as Set, "keys of ${p.name}")
            assertTrue(p.name ==~ /[a-z][A-Za-z0-9]*/, "camelCase name: ${p.name}")
            assertFalse(p.name in ['cli', 'resultDir'], "${p.name} is reserved for the runner")
            assertTrue(p.type in TYPES, "type of ${p.name}: ${p.type}")
            assertTrue(p.required instanceof Boolean && p.cli instanceof Boolean, "flags of ${p.name}")
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
    @ValueSource(strings = ['mlValidate', 'mlRender', 'mlPromoteModel'])
    void varsScriptRunsItsOwnMetadata(String step) {
        String script = new File(ROOT, "vars/${step}.groovy").getText('UTF-8')

        assertTrue(script.contains("new StepRunner(this).run('${step}', args)"), script)
    }

    @ParameterizedTest
    @ValueSource(strings = ['mlValidate', 'mlRender', 'mlPromoteModel'])
    void helpTextDocumentsWhatTheMetadataSays(String step) {
        Map meta = metadata(step)
        String help = new File(ROOT, "vars/${step}.txt").getText('UTF-8').replaceAll(/\s+/, ' ')

        meta.params.each { Map p ->
            String kind = p.type + (p.required ? ', required' : ', optional') +
                    (p.containsKey('default') ? ", default <code>${html(p.default as String)}</code>" : '')
            String entry = "<dt><code>${p.name}</code> (${kind})</dt> <dd>${html(p.description as String)}</dd>"
            assertTrue(help.contains(entry), "${step}.txt should have:\n${entry}")
        }
        assertTrue(help.contains('<dt><code>cli</code> (map, optional)</dt>'), 'common key cli')
        meta.results.each { Map r ->
            String entry = "<dt><code>${r.name}</code></dt> <dd>${html(r.description as String)}</dd>"
            assertTrue(help.contains(entry), "${step}.txt should have:\n${entry}")
        }
        assertTrue(help.contains('<pre> ' + html(meta.example as String).replaceAll(/\s+/, ' ') + ' </pre>'), 'example')
        assertTrue(help.contains("[${step}] bad input: …"), 'failure behaviour')
    }

    static Map metadata(String step) {
        return new JsonSlurperClassic().parse(new File(ROOT, "resources/io/mlship/steps/${step}.json"), 'UTF-8') as Map
    }

    /** The metadata's plain text as the help shows it: HTML-escaped, `code` as <code>code</code>. */
    static String html(String text) {
        return text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
                .replaceAll(/`([^`]*)`/, '<code>$1</code>').replaceAll(/\s+/, ' ')
    }
}
