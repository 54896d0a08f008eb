package io.mlship.jenkins

/**
 * Finds the mlship CLI for a step and makes sure it is the one this library was released with.
 * First match wins:
 *   1. the step's own cli: [path: '…'] or cli: [jar: [repository: '…', sha256: '…']]
 *   2. the build environment: MLSHIP_CLI (a path), or MLSHIP_CLI_JAR_REPOSITORY + MLSHIP_CLI_JAR_SHA256
 *   3. `mlship` on the agent's PATH
 * A jar is fetched from a Maven repository at exactly the library's version (never "latest") and
 * used only when its sha256 matches. The version check and the fetch happen once per build, agent,
 * directory and CLI; the answer is kept in {@link BuildState}.
 */
class CliLocator implements Serializable {
    private static final long serialVersionUID = 1L

    /** Where fetched jars are kept, relative to the current directory. */
    static final String JAR_DIR = '.mlship/cli'

    private final script
    private final String stepName

    CliLocator(script, String stepName) {
        this.script = script
        this.stepName = stepName
    }

    /**
     * The CLI to use, as a plain map: mode 'exec' (key exec: path or command) or 'jar' (jar: local path,
     * url, sha256, shaSetting). 'where' describes it for messages, with any credentials in a URL masked.
     */
    Map resolve(Object cliArg, String version) {
        if (cliArg != null) {
            return fromStepArg(cliArg, version)
        }
        String path = envValue('MLSHIP_CLI')
        if (path != null) {
            return [mode: 'exec', exec: path, where: path + ' (from MLSHIP_CLI)']
        }
        String repository = envValue('MLSHIP_CLI_JAR_REPOSITORY')
        String sha256 = envValue('MLSHIP_CLI_JAR_SHA256')
        if (repository != null || sha256 != null) {
            return jar(repository, sha256, 'MLSHIP_CLI_JAR_REPOSITORY', 'MLSHIP_CLI_JAR_SHA256', version)
        }
        return [mode: 'exec', exec: 'mlship', where: "'mlship' on PATH"]
    }

    /** Fetches the jar if needed and checks the CLI's version, unless that was done already in this build. */
    void prepare(Map cli, String version) {
        String key = [envValue('NODE_NAME') ?: '', script.pwd(), cli.mode, cli.exec ?: cli.jar, cli.sha256 ?: ''].join(' | ')
        if (BuildState.checkedClis(script).containsKey(key)) {
            return
        }
        if (cli.mode == 'jar') {
            fetchJar(cli, version)
        }
        String versionScript = cli.mode == 'jar' ? CliScripts.VERSION_JAR : CliScripts.VERSION_EXEC
        Object out = script.withEnv(envFor(cli)) {
            script.sh(script: versionScript, returnStdout: true)
        }
        String output = out == null ? '' : out.toString()
        String found = versionIn(output)
        if (found == null) {
            fail("could not get the version of the mlship CLI at ${cli.where}: expected 'mlship <version>' as the " +
                    "first line of its --version output, got '${firstLine(output)}'. " +
                    "Install mlship ${version} on the agent, set cli.path or MLSHIP_CLI to it, or use cli.jar " +
                    "(or MLSHIP_CLI_JAR_REPOSITORY + MLSHIP_CLI_JAR_SHA256)")
        }
        if (found != version) {
            fail("mlship CLI ${found} at ${cli.where} does not match library version ${version}; install mlship " +
                    "${version} there, point cli.path or MLSHIP_CLI at a ${version} CLI, or use cli.jar; " +
                    "or load the library that matches the CLI with @Library('mlship@${found}')")
        }
        BuildState.checkedClis(script)[key] = found
        script.echo("[${stepName}] using mlship ${found} (${cli.where})")
    }

    /** Environment for the CLI's scripts in {@link CliScripts}: MLSHIP_CLI or MLSHIP_JAR. */
    List<String> envFor(Map cli) {
        return cli.mode == 'jar' ? ['MLSHIP_JAR=' + cli.jar] : ['MLSHIP_CLI=' + cli.exec]
    }

    String runScript(Map cli) {
        return cli.mode == 'jar' ? CliScripts.RUN_JAR : CliScripts.RUN_EXEC
    }

    private Map fromStepArg(Object cliArg, String version) {
        if (!(cliArg instanceof Map)) {
            fail("cli must be a map: cli: [path: '/opt/mlship/bin/mlship'] or " +
                    "cli: [jar: [repository: 'https://…', sha256: '…']]")
        }
        Map cli = (Map) cliArg
        checkKeys('cli', cli, ['jar', 'path'])
        if (cli.path != null && cli.jar != null) {
            fail('cli takes either path or jar, not both')
        }
        if (cli.path != null) {
            if (!(cli.path instanceof CharSequence) || cli.path.toString().trim().isEmpty()) {
                fail('cli.path must be the path of the mlship executable')
            }
            String path = cli.path.toString().trim()
            return [mode: 'exec', exec: path, where: path]
        }
        if (cli.jar instanceof Map) {
            Map jarArg = (Map) cli.jar
            checkKeys('cli.jar', jarArg, ['repository', 'sha256'])
            return jar(jarArg.repository, jarArg.sha256, 'cli.jar.repository', 'cli.jar.sha256', version)
        }
        fail("cli needs path or jar: cli: [path: '/opt/mlship/bin/mlship'] or " +
                "cli: [jar: [repository: 'https://…', sha256: '…']]")
        return null
    }

    private Map jar(Object repositoryArg, Object sha256Arg, String repositorySetting, String shaSetting, String version) {
        String jarName = 'mlship-' + version + '-cli.jar'
        String repository = repositoryArg instanceof CharSequence ? repositoryArg.toString().trim() : ''
        if (!(repository ==~ /(?i)(https?|file):\/\/.+/)) {
            fail("${repositorySetting} must be the https://, http:// or file:// URL of the Maven repository holding " +
                    "${jarName}" + (repository ? ", not ${redact(repository)}" : ' (it is not set)'))
        }
        String sha256 = sha256Arg instanceof CharSequence ? sha256Arg.toString().trim() : ''
        if (!(sha256 ==~ /[0-9a-fA-F]{64}/)) {
            fail("${shaSetting} must be the sha256 of ${jarName}, 64 hex digits (${whySha256IsBad(sha256)}); " +
                    'mlship never runs a jar it cannot verify')
        }
        if (!(version ==~ /[0-9A-Za-z][0-9A-Za-z.+_-]*/)) {
            fail("library version '${version}' cannot name a jar")
        }
        String url = repository.replaceAll('/+$', '') + '/io/mlship/mlship/' + version + '/' + jarName
        return [mode: 'jar', jar: JAR_DIR + '/' + jarName, url: url, sha256: sha256.toLowerCase(),
                shaSetting: shaSetting, where: jarName + ' from ' + redact(repository)]
    }

    private void fetchJar(Map cli, String version) {
        List<String> env = envFor(cli) + ['MLSHIP_JAR_URL=' + cli.url, 'MLSHIP_JAR_SHA256=' + cli.sha256]
        Object status = script.withEnv(env) {
            script.sh(script: CliScripts.FETCH_JAR, returnStatus: true)
        }
        int code = status as int
        if (code == CliScripts.FETCH_CHECKSUM_MISMATCH) {
            fail("the jar ${cli.where} does not have sha256 ${cli.sha256}; refusing to run it. " +
                    "Check that ${cli.shaSetting} is the sha256 of mlship-${version}-cli.jar")
        }
        if (code != 0) {
            fail("could not download ${cli.where} (exit ${code}); see the console log above")
        }
    }

    private void checkKeys(String what, Map given, List<String> allowed) {
        List keys = new ArrayList(given.keySet())
        for (int i = 0; i < keys.size(); i++) {
            String k = String.valueOf(keys[i])
            if (!allowed.contains(k)) {
                String guess = Names.closest(k, allowed)
                fail("unknown key '${k}' in ${what}" + (guess != null ? " — did you mean '${guess}'?" : '') +
                        ' (allowed: ' + allowed.join(', ') + ')')
            }
        }
    }

    private String envValue(String name) {
        Object value = script.env[name]
        String text = value == null ? '' : value.toString().trim()
        return text.isEmpty() ? null : text
    }

    private static String whySha256IsBad(String sha256) {
        if (sha256.isEmpty()) {
            return 'it is not set'
        }
        if (sha256.length() != 64) {
            return 'got ' + sha256.length() + ' characters'
        }
        return 'it has characters other than 0-9 and a-f'
    }

    /** Hides user:password@ and query strings, which may hold credentials. */
    static String redact(String url) {
        return url.replaceFirst('^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@', '$1***@').replaceFirst('[?#].*$', '')
    }

    private static String versionIn(String out) {
        String first = firstLine(out)
        return first ==~ /mlship \S+/ ? first.substring('mlship '.length()) : null
    }

    private static String firstLine(String out) {
        String text = out.trim()
        int newline = text.indexOf('\n')
        String line = (newline >= 0 ? text.substring(0, newline) : text).trim()
        return line.length() > 120 ? line.substring(0, 120) + '…' : line
    }

    private void fail(String message) {
        script.error('[' + stepName + '] ' + message)
    }
}
