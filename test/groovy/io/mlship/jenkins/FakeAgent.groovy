package io.mlship.jenkins

import static com.lesfurets.jenkins.unit.global.lib.LibraryConfiguration.library

import java.nio.file.Paths

import com.lesfurets.jenkins.unit.BasePipelineTest
import com.lesfurets.jenkins.unit.PipelineTestHelper
import com.lesfurets.jenkins.unit.global.lib.SourceRetriever

import org.jenkinsci.plugins.workflow.steps.StepDescriptor

import groovy.json.JsonOutput
import groovy.json.JsonSlurperClassic

/**
 * A pretend Jenkins agent for pipeline tests: the mlship library loaded from this project's source,
 * a workspace held in memory, the build's env, and an mlship CLI whose answers each test chooses.
 * Steps are simulated closely enough for the library's contract: withEnv really scopes env, dir
 * really changes the directory, and sh only knows the library's constant scripts.
 */
class FakeAgent {
    static final File ROOT = new File('.').canonicalFile
    static final String WORKSPACE = '/ws'

    /** Workspace files by absolute path. */
    final Map<String, String> files = [:]
    /** The build's env as the pipeline sees it. */
    final Map<String, Object> env = [NODE_NAME: 'agent-1', WORKSPACE: WORKSPACE]
    /** Every sh call: script, env (copy at the time), cwd, args. */
    final List<Map> shCalls = []
    /** Every CLI run: command, params (parsed), paramsText, env. */
    final List<Map> runs = []
    final List<String> echoes = []
    final List<String> errors = []
    /** libraryResource answers that replace the library's own files. */
    final Map<String, String> resources = [:]
    /**
     * How the CLI answers its next run, per command: exitCode, errorDetails, fields, writeResult, rawResult.
     * 'release --resolve-only' answers mlship release --resolve-only (default: what its parameters name).
     */
    final Map<String, Map> answers = [:]
    /** Result fields of every successful run of a command that has no answer set, per command. */
    final Map<String, Map> usualFields = [:]

    String cwd = WORKSPACE
    String versionOutput = 'mlship 0.1.0\nJava 17, linux-amd64\n'
    int fetchStatus = 0

    private BasePipelineTest test
    private PipelineTestHelper helper

    void install(BasePipelineTest test) {
        this.test = test
        this.helper = test.helper
        helper.registerSharedLibrary(library().name('mlship')
                .retriever({ String repo, String version, String target -> [ROOT.toURI().toURL()] } as SourceRetriever)
                .targetPath(ROOT.path).defaultVersion('main').allowOverride(false).implicit(true).build())
        test.binding.setVariable('env', env)
        // Jenkins' step registry knows the steps this test registered (and forgets those a test takes away).
        StepDescriptor.PROVIDED.set({ String name -> helper.allowedMethodCallbacks.keySet().any { it.name == name } })

        helper.registerAllowedMethod('sh', [Map], { Map args -> sh(args) })
        helper.registerAllowedMethod('sh', [String], { String script -> sh([script: script]) })
        helper.registerAllowedMethod('withEnv', [List, Closure], { List vars, Closure body -> withEnv(vars, body) })
        helper.registerAllowedMethod('dir', [String, Closure], { String path, Closure body -> inDir(path, body) })
        helper.registerAllowedMethod('pwd', [], { -> cwd })
        helper.registerAllowedMethod('deleteDir', [], { -> deleteDir() })
        helper.registerAllowedMethod('writeFile', [Map], { Map args -> files[path(args.file)] = args.text as String })
        helper.registerAllowedMethod('readFile', [Map], { Map args -> read(args.file as String) })
        helper.registerAllowedMethod('readFile', [String], { String file -> read(file) })
        helper.registerAllowedMethod('fileExists', [String], { String file -> files.containsKey(path(file)) })
        helper.registerAllowedMethod('echo', [String], { String text -> echoes << text })
        helper.registerAllowedMethod('error', [String], { String message ->
            errors << message
            test.updateBuildStatus('FAILURE')
            throw new PipelineFailure(message)
        })
        helper.registerAllowedMethod('libraryResource', [String], { String name -> libraryResource(name) })
    }

    /** Loads and runs test/resources/jenkinsfiles/<name>.jenkinsfile; returns what the script returns. */
    Object run(String jenkinsfile) {
        return test.runScript(test.loadScript("test/resources/jenkinsfiles/${jenkinsfile}.jenkinsfile"))
    }

    /** Runs a Jenkinsfile that must fail with `error`; returns the message. */
    String failure(String jenkinsfile) {
        try {
            run(jenkinsfile)
        } catch (Throwable t) {
            for (Throwable c = t; c != null; c = c.cause) {
                if (c instanceof PipelineFailure) {
                    return c.message
                }
            }
            throw t
        }
        throw new AssertionError("${jenkinsfile} should have failed but succeeded")
    }

    /** The next run of {@code command} exits with {@code exitCode} and writes this errorDetails. */
    void failNext(String command, int exitCode, Map errorDetails) {
        answers[command] = [exitCode: exitCode, errorDetails: errorDetails]
    }

    List<String> scriptsRun() {
        return shCalls.collect { it.script as String }
    }

    /** The result file the CLI wrote for a run, parsed. */
    Map resultOf(Map run) {
        return new JsonSlurperClassic().parseText(files[path("${run.params.resultDir}/${run.command}.json")]) as Map
    }

    private Object sh(Map args) {
        String script = args.script
        shCalls << [script: script, env: new LinkedHashMap(env), cwd: cwd, args: new LinkedHashMap(args)]
        switch (script) {
            case Scripts.VERSION_EXEC:
            case Scripts.VERSION_JAR:
                assert args.returnStdout == true: 'the version check needs the output'
                return versionOutput
            case Scripts.FETCH_JAR:
                assert args.returnStatus == true: 'a failed download must be reported by the library'
                if (fetchStatus == 0) {
                    files[path(env.MLSHIP_JAR as String)] = 'PK fake jar'
                }
                return fetchStatus
            case Scripts.RUN_EXEC:
            case Scripts.RUN_JAR:
                assert args.returnStatus == true: 'the exit code must reach the library'
                if (script == Scripts.RUN_JAR) {
                    assert files.containsKey(path(env.MLSHIP_JAR as String)): 'jar run before it was fetched'
                }
                return runCli()
            default:
                throw new AssertionError("sh got a script that is not one of the library's constants:\n${script}")
        }
    }

    /** The pretend CLI: reads --params like the real one and writes <resultDir>/<command>.json. */
    private int runCli() {
        String paramsText = files[path(env.MLSHIP_PARAMS as String)]
        assert paramsText != null: "no params file at ${env.MLSHIP_PARAMS}"
        Map params = new JsonSlurperClassic().parseText(paramsText) as Map
        String command = env.MLSHIP_COMMAND
        // A resolve-only release changes nothing: listed apart, so a test's release is the one that releases.
        runs << [command: params.resolveOnly == true ? command + ' --resolve-only' : command, params: params,
                 paramsText: paramsText, env: new LinkedHashMap(env)]
        Map answer = params.resolveOnly == true ? resolveOnly(params) : answers.remove(command) ?: [exitCode: 0, fields: usualFields[command]]
        if (command == 'pr-check' && exitCode(answer) == 0) {
            answer = [exitCode: 0, fields: prCheck(params, (Map) answer.fields)]
        }
        int exitCode = answer.exitCode as int
        if (answer.writeResult != false) {
            String text = answer.rawResult ?: JsonOutput.toJson(result(command, params, exitCode, answer))
            files[path("${params.resultDir}/${command}.json")] = text
        }
        return exitCode
    }

    private static int exitCode(Map answer) {
        return answer.exitCode as int
    }

    /**
     * mlship pr-check as the pipeline sees it: the markdown quotes each result file it was given, as the real one
     * draws on them (its own composition is tested in Java), so a test sees which results reached the check.
     */
    private Map prCheck(Map params, Map given) {
        String title = 'mlship: reco-service against ' + params.env
        StringBuilder md = new StringBuilder('## ' + title + '\n')
        ['validate', 'build', 'deploy', 'promote'].each { String step ->
            String file = params[step + 'Result']
            md.append('\n### ' + step + '\n').append(file == null ? 'did not run' : read(file)).append('\n')
        }
        Map fields = [environment: params.env, title: title, summary: '| Spec | valid |', conclusion: 'success',
                      markdownFile: params.output ?: "${params.resultDir}/pr-check.md".toString()] + (given ?: [:])
        files[path(fields.markdownFile as String)] = md.toString()
        return fields
    }

    /** release --resolve-only changes nothing: it says what the release would take, and leaves release's answer alone. */
    private Map resolveOnly(Map params) {
        return answers.remove('release --resolve-only') ?: [exitCode: 0, fields: [resolved: [
                imageDigest: params.skipService ? null : params.imageDigest, buildsImage: false,
                modelVersion: params.skipModel ? null : (params.modelVersion ?: params.artifacts), passedIn: null]]]
    }

    private static Map result(String command, Map params, int exitCode, Map answer) {
        Map result = [command: command, status: exitCode == 0 ? 'succeeded' : 'failed', exitCode: exitCode,
                      mlshipVersion: '0.1.0', startedAt: '2026-01-01T10:00:00Z', durationMs: 1234]
        if (exitCode == 0 && command == 'validate') {
            result += [valid: true, environments: params.env ? [params.env] : ['staging', 'prod'], problems: []]
        }
        if (exitCode == 0 && command == 'render') {
            result += [manifestFile: params.output ?: "${params.resultDir}/manifest.yaml".toString(),
                       objects: [[kind: 'Deployment', name: 'reco', namespace: 'reco-' + params.env],
                                 [kind: 'Service', name: 'reco', namespace: 'reco-' + params.env]]]
        }
        if (answer.errorDetails != null) {
            result.errorDetails = answer.errorDetails
        }
        return result + (answer.fields ?: [:])
    }

    private Object withEnv(List vars, Closure body) {
        Map saved = new LinkedHashMap(env)
        for (Object entry in vars) {
            String text = entry as String
            int eq = text.indexOf('=')
            env[text.substring(0, eq)] = text.substring(eq + 1)
        }
        try {
            return helper.callClosure(body)
        } finally {
            env.clear()
            env.putAll(saved)
        }
    }

    private Object inDir(String dir, Closure body) {
        String saved = cwd
        cwd = path(dir)
        try {
            return helper.callClosure(body)
        } finally {
            cwd = saved
        }
    }

    private void deleteDir() {
        files.keySet().removeAll { it == cwd || it.startsWith(cwd + '/') }
    }

    private String read(String file) {
        String text = files[path(file)]
        if (text == null) {
            throw new FileNotFoundException(path(file))
        }
        return text
    }

    private String libraryResource(String name) {
        if (resources.containsKey(name)) {
            return resources[name]
        }
        // Straight from the library's resources/ folder, as Jenkins reads them.
        File file = new File(ROOT, 'resources/' + name)
        if (!file.file) {
            throw new IllegalArgumentException("No such library resource ${name}")
        }
        return file.getText('UTF-8')
    }

    String path(String file) {
        return Paths.get(cwd).resolve(file).normalize().toString()
    }
}
