package io.mlship.jenkins

import groovy.json.JsonException

/**
 * Runs one step as one CLI call: check the arguments against the step's metadata, find and check the
 * CLI, write the parameters as JSON, run the CLI, and return its result JSON as a Map — or fail the
 * build with a message made from the result.
 *
 * Parameters reach the CLI only through the JSON file; the shell never sees them. Each call gets its
 * own result directory, <stepsDir>/<step>-<n> (.mlship/steps by default), so parallel branches in one
 * workspace do not clash, and each pipeline of a monorepo keeps its results apart.
 */
class StepRunner implements Serializable {
    private static final long serialVersionUID = 1L

    static final String VERSION_RESOURCE = 'io/mlship/version.txt'
    static final String STEPS_DIR = '.mlship/steps'

    private final script

    /** @param script the pipeline script ({@code this} in vars/), which provides sh, writeFile, env… */
    StepRunner(script) {
        this.script = script
    }

    Map run(String stepName, Object args) {
        StepMetadata meta = StepMetadata.forStep(script, stepName)
        Map given = namedArgs(stepName, args, meta)
        List<String> problems = meta.check(given)
        if (given.stepsDir != null && !(given.stepsDir instanceof CharSequence && given.stepsDir.toString().trim())) {
            problems.add("parameter 'stepsDir' must be a folder path, e.g. '.mlship/reco/steps'")
        }
        if (!problems.isEmpty()) {
            script.error('[' + stepName + '] ' + problems.join('\n  '))
        }

        String version = ((String) script.libraryResource(VERSION_RESOURCE)).trim()
        CliLocator locator = new CliLocator(script, stepName)
        Map cli = locator.resolve(given.cli, version)
        locator.prepare(cli, version)

        String resultDir = (given.stepsDir != null ? given.stepsDir.toString() : STEPS_DIR) + '/' + stepName + '-' + BuildState.nextCallNumber(script)
        String paramsFile = resultDir + '/params.json'
        String resultFile = resultDir + '/' + meta.command + '.json'
        Map params = meta.cliParams(given)
        params.resultDir = resultDir

        // A result left here by an earlier build must never be taken for this call's.
        script.dir(resultDir) {
            script.deleteDir()
        }
        script.writeFile(file: paramsFile, text: Json.format(params), encoding: 'UTF-8')

        List<String> env = locator.envFor(cli) + ['MLSHIP_COMMAND=' + meta.command, 'MLSHIP_PARAMS=' + paramsFile]
        String runScript = locator.runScript(cli)
        Object status = script.withEnv(env) {
            script.sh(script: runScript, returnStatus: true)
        }
        int exitCode = status as int

        Map read = readResult(resultFile)
        if (read.missing) {
            script.error(ErrorFormatter.noResult(stepName, exitCode, resultFile))
        }
        if (read.unreadable) {
            script.error(ErrorFormatter.unreadableResult(stepName, exitCode, resultFile, (String) read.unreadable))
        }
        if (exitCode != 0) {
            script.error(ErrorFormatter.failure(stepName, exitCode, (Map) read.result))
        }
        return (Map) read.result
    }

    /** The step's argument as a Map with String keys; anything else is a clear error, not a MissingMethodException. */
    private Map namedArgs(String stepName, Object args, StepMetadata meta) {
        if (args == null) {
            return [:]
        }
        if (!(args instanceof Map)) {
            script.error("[${stepName}] takes named parameters, not a ${args.getClass().getSimpleName()}; " +
                    'for example:\n' + meta.example)
        }
        Map named = [:]
        List keys = new ArrayList(((Map) args).keySet())
        for (int i = 0; i < keys.size(); i++) {
            named[String.valueOf(keys[i])] = ((Map) args).get(keys[i])
        }
        return named
    }

    /** [result: Map], [missing: true] or [unreadable: why]. */
    private Map readResult(String resultFile) {
        if (!script.fileExists(resultFile)) {
            return [missing: true]
        }
        String text = (String) script.readFile(file: resultFile, encoding: 'UTF-8')
        if (text == null || text.trim().isEmpty()) {
            return [unreadable: 'empty']
        }
        Object parsed
        try {
            parsed = Json.parse(text)
        } catch (JsonException e) {
            return [unreadable: 'not valid JSON']
        }
        return parsed instanceof Map ? [result: parsed] : [unreadable: 'not a JSON object']
    }
}
