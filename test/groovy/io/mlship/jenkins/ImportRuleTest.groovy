package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertTrue

import java.util.regex.Matcher

import org.junit.jupiter.api.Test

/**
 * Groovy in vars/ and src/ runs on the Jenkins controller, which has neither the Java core nor its
 * libraries: it may use java.*, groovy.* and io.mlship.jenkins.* only. Checked on the source text,
 * with comments and string literals blanked out first so that they cannot trigger (or hide) a hit.
 */
class ImportRuleTest {
    static final File ROOT = new File('.').canonicalFile
    static final List<String> ALLOWED = ['java.', 'groovy.', 'io.mlship.jenkins.']
    static final String RULE = 'only java.*, groovy.* and io.mlship.jenkins.* may be used in library Groovy'

    /** A dotted name starting with a usual package root and ending in a class name: com.foo.Bar, hudson.Util. */
    static final String QUALIFIED =
            /\b((?:com|org|net|io|hudson|jenkins|javax|sun|edu|de|fr|uk|me|dev|co|ch|software)\.(?:[a-z_]\w*\.)*[A-Z]\w*)/

    @Test
    void libraryGroovyUsesOnlyAllowedClasses() {
        List<File> files = []
        ['vars', 'src'].each { dir ->
            new File(ROOT, dir).eachFileRecurse { File f -> if (f.name.endsWith('.groovy')) files << f }
        }
        assertTrue(files.any { it.path.contains('vars') } && files.any { it.name == 'StepRunner.groovy' },
                "scan found the library: ${files}")

        List<String> found = files.sort().collectMany { File f ->
            violations(ROOT.toPath().relativize(f.toPath()).toString(), f.getText('UTF-8'))
        }
        assertEquals([], found, found.join('\n'))
    }

    @Test
    void scannerCatchesEachKindOfForbiddenUse() {
        String text = '''package io.mlship.jenkins
import io.mlship.spec.Spec
import static io.mlship.cli.Main.main
import com.cloudbees.groovy.cps.NonCPS
import jenkins.model.*
@Grab('org.yaml:snakeyaml:2.3')
@groovy.lang.Grab(group = 'x', module = 'y', version = '1')
def mapper = new com.fasterxml.jackson.databind.ObjectMapper()
def spec = io.mlship.spec.SpecLoader.load(file)
def s = hudson.Util.fixNull(x)
def c = Class.forName('io.mlship.cli.Main')
'''
        assertEquals([
                "x.groovy:2: import io.mlship.spec.Spec — ${RULE}",
                "x.groovy:3: import io.mlship.cli.Main.main — ${RULE}",
                "x.groovy:4: import com.cloudbees.groovy.cps.NonCPS — ${RULE}",
                "x.groovy:5: import jenkins.model.* — ${RULE}",
                'x.groovy:6: @Grab — dependencies cannot be grabbed on the controller',
                'x.groovy:7: @Grab — dependencies cannot be grabbed on the controller',
                "x.groovy:8: com.fasterxml.jackson.databind.ObjectMapper — ${RULE}",
                "x.groovy:9: io.mlship.spec.SpecLoader — ${RULE}",
                "x.groovy:10: hudson.Util — ${RULE}",
                'x.groovy:11: Class.forName — classes must not be loaded by name',
        ]*.toString(), violations('x.groovy', text))
    }

    @Test
    void scannerAllowsJavaGroovyTheLibraryAndAnythingInCommentsOrStrings() {
        String text = '''package io.mlship.jenkins
import java.util.regex.Pattern
import static java.lang.Math.max
import groovy.json.JsonOutput
import io.mlship.jenkins.StepRunner
// import com.example.Forbidden, and new org.acme.Thing() in a comment
/* io.mlship.spec.Spec in a block comment
   @Grab('a:b:1') */
def a = new java.util.ArrayList()
def b = groovy.json.JsonOutput.toJson(a)
def c = io.mlship.jenkins.Json.parse('{}')
def d = script.env.MLSHIP_CLI
def e = 'com.example.Forbidden and @Grab in a string'
def f = "${d} hudson.Util in a GString"
def g = \'\'\'multi-line
import org.acme.Thing
\'\'\'
def h = x ==~ /com\\.example\\.Pattern/
def i = 10 / 2 / 5
'''
        assertEquals([], violations('y.groovy', text))
    }

    static List<String> violations(String name, String text) {
        List<String> found = []
        List<String> lines = blankCommentsAndStrings(text).readLines()
        for (int i = 0; i < lines.size(); i++) {
            String line = lines[i]
            String where = "${name}:${i + 1}: "
            Matcher imp = line =~ /^\s*import\s+(?:static\s+)?(\w+(?:\.\w+)*(?:\.\*)?)/
            if (imp.find()) {
                String target = imp.group(1)
                if (!ALLOWED.any { target.startsWith(it) } || target.startsWith('groovy.lang.Grab')) {
                    found << "${where}import ${target} — ${RULE}".toString()
                }
                continue
            }
            if (line =~ /@\s*(?:groovy\.lang\.)?(?:Grab\w*|Grapes)\b|\bGrape\s*\.\s*grab\b/) {
                found << "${where}@Grab — dependencies cannot be grabbed on the controller".toString()
                continue
            }
            if (line =~ /\bClass\s*\.\s*forName\b|\.loadClass\s*\(/ && !registryLookup(name, line)) {
                found << "${where}Class.forName — classes must not be loaded by name".toString()
            }
            Matcher q = line =~ QUALIFIED
            while (q.find()) {
                String target = q.group(1)
                if (!ALLOWED.any { target.startsWith(it) }) {
                    found << "${where}${target} — ${RULE}".toString()
                }
            }
        }
        return found
    }

    /**
     * The one class loaded by name: Jenkins' own step registry, which every controller running a pipeline has,
     * asked by StepCatalog whether a step exists without calling it. Nothing of mlship's Java core.
     */
    static boolean registryLookup(String name, String line) {
        return name.endsWith('StepCatalog.groovy') && line =~ /\bClass\.forName\(REGISTRY,/ &&
                new File(ROOT, name).getText('UTF-8').contains("REGISTRY = 'org.jenkinsci.plugins.workflow.steps.StepDescriptor'")
    }

    /** The text with every comment and string literal replaced by spaces; line breaks are kept. */
    static String blankCommentsAndStrings(String text) {
        StringBuilder out = new StringBuilder(text.length())
        int i = 0
        while (i < text.length()) {
            String rest = text.substring(i)
            String end = null
            if (rest.startsWith('//')) {
                end = '\n'
            } else if (rest.startsWith('/*')) {
                end = '*/'
            } else if (rest.startsWith("'''") || rest.startsWith('"""')) {
                end = rest.substring(0, 3)
            } else if (rest.startsWith("'") || rest.startsWith('"')) {
                end = rest.substring(0, 1)
            } else if (rest.startsWith('/') && slashyCanStart(out)) {
                end = '/'
            }
            if (end == null) {
                out.append(text.charAt(i))
                i++
                continue
            }
            int open = end == '\n' || end == '*/' ? 2 : end.length()
            int close = findClose(text, i + open, end)
            for (int j = i; j < close; j++) {
                out.append(text.charAt(j) == '\n' as char ? '\n' : ' ')
            }
            i = close
        }
        return out.toString()
    }

    /** Index just past the closing delimiter, skipping backslash escapes; a line comment keeps its newline. */
    private static int findClose(String text, int from, String end) {
        int j = from
        while (j < text.length()) {
            if (end != '\n' && end != '*/' && text.charAt(j) == '\\' as char) {
                j += 2
                continue
            }
            if (text.startsWith(end, j)) {
                return end == '\n' ? j : j + end.length()
            }
            j++
        }
        return text.length()
    }

    /** A '/' starts a slashy string (regex) after an operator or an opening bracket, not after a value. */
    private static boolean slashyCanStart(StringBuilder before) {
        String s = before.toString().replaceAll(/\s+$/, '')
        return s.isEmpty() || "=(,:~!&|?{[;".indexOf(s.substring(s.length() - 1)) >= 0 || s.endsWith('return')
    }
}
