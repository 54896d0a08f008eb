package io.mlship.jenkins

/**
 * What `mlPipeline` does for each kind of job. The kind comes from the build, as Jenkins sets it up:
 *   - promotion:   the DSL says `promotion true`, or the build has a non-empty MODEL_VERSION or
 *                  MODEL_ARTIFACTS parameter (a manual or remotely triggered promotion build);
 *   - pullRequest: env.CHANGE_ID is set (Multibranch pull-request build);
 *   - main:        env.BRANCH_NAME is one of `mainBranches`;
 *   - branch:      any other branch: checked like a pull request, without the commit-message check.
 * Pull-request and branch builds never touch a running environment (image to a tar, server-side dry run
 * only). Main builds release to `mainEnvironment`; promotion builds release to the ENVIRONMENT parameter.
 * A person approves (input) before a release where the spec or the DSL asks for it, and always for prod.
 *
 * Index loops and plain maps only: this runs CPS-transformed and is saved with the program.
 */
class PipelineFlow implements Serializable {
    private static final long serialVersionUID = 1L

    static final String STEP = 'mlPipeline'
    static final List<String> PARTS = ['model', 'service', 'commits', 'diff']
    static final List<String> LOCK_MODES = ['auto', 'jenkins', 'lease']
    static final String WORK_DIR = '.mlship/pipeline'
    /** Where a release's JUnit files are when its result is not there to say (the release failed). */
    static final String RELEASE_JUNIT = '.mlship/steps/mlRelease-*/**/*.xml'
    static final String REPORTS = '.mlship/steps/**/*.json, .mlship/steps/**/*.html, .mlship/steps/**/*.yaml, ' +
            WORK_DIR + '/*.yaml'

    private final script
    private final Map given

    PipelineFlow(script, Map given) {
        this.script = script
        this.given = given
    }

    Map run() {
        Map o = checked()
        String kind = jobKind(o, script.env, script.params)
        script.echo('[mlPipeline] ' + kind + ' build')
        if (kind == 'promotion') {
            return promotion(o)
        }
        if (kind == 'main') {
            return releaseFlow(o, 'main', (String) o.mainEnvironment,
                    [modelVersion: o.modelVersion, skipModel: o.modelVersion == null ? true : null])
        }
        return verify(o, kind)
    }

    /** The job kind; see the class comment. */
    static String jobKind(Map o, env, params) {
        if (o.promotion == true || filled(params?.MODEL_VERSION) || filled(params?.MODEL_ARTIFACTS)) {
            return 'promotion'
        }
        if (filled(env.CHANGE_ID)) {
            return 'pullRequest'
        }
        return ((List) o.mainBranches).contains(env.BRANCH_NAME) ? 'main' : 'branch'
    }

    // ---- pull request and other branches: check everything, touch nothing that runs ----

    private Map verify(Map o, String kind) {
        Map out = [kind: kind]
        script.node((String) o.agent) {
            checkout(o)
            out.validated = validate(o, null)
            if (kind == 'pullRequest' && !skips(o, 'commits')) {
                script.stage('Check commit messages') {
                    Map args = [from: 'origin/' + script.env.CHANGE_TARGET]
                    if (o.commitTypes != null) {
                        args.types = o.commitTypes
                    }
                    out.commits = script.mlCheckCommits(args)
                }
            }
            if (!skips(o, 'service')) {
                String envName = (String) o.mainEnvironment
                script.stage('Build image (tar, no push)') {
                    out.build = script.mlBuildImage(spec: o.spec, env: envName, push: false, tar: WORK_DIR + '/image.tar',
                            gitSha: gitSha())
                }
                if (!skips(o, 'diff')) {
                    script.stage('Diff against ' + envName) {
                        out.render = script.mlRender(spec: o.spec, env: envName, imageDigest: out.build.digest,
                                output: WORK_DIR + '/' + envName + '.yaml')
                        withKubeconfig(kubeconfigFor(o, envName)) {
                            out.diff = script.mlDeploy(spec: o.spec, env: envName, imageDigest: out.build.digest, dryRun: true)
                        }
                    }
                }
            }
            Map parts = out.validated instanceof Map ? (Map) ((Map) out.validated).parts : null
            if (!skips(o, 'model') && parts != null && parts.model == true && o.modelVersion != null) {
                script.stage('Check model artifacts') {
                    out.artifacts = script.mlPromoteModel(spec: o.spec, env: (String) o.mainEnvironment,
                            modelVersion: o.modelVersion, checkOnly: true)
                }
            }
            script.stage('Publish reports') {
                archive()
            }
            script.currentBuild.description = out.build != null ?
                    'checked: image ' + shortDigest((String) out.build.digest) + ' (not pushed)' : 'checked'
        }
        return out
    }

    // ---- main branch and promotion: build, approve where needed, release under a lock ----

    private Map promotion(Map o) {
        List environments = (List) o.promotionEnvironments
        script.properties([script.parameters([
                script.string(name: 'MODEL_VERSION', defaultValue: '',
                        description: 'Fills {version} in model.artifacts, e.g. the training run folder (v3).'),
                script.string(name: 'MODEL_ARTIFACTS', defaultValue: '',
                        description: 'The trained model folder, gs://bucket/folder/, instead of model.artifacts.'),
                script.choice(name: 'ENVIRONMENT', choices: environments.join('\n'), description: 'Where to release.'),
                script.string(name: 'CANARY', defaultValue: '',
                        description: 'Traffic share in percent while the gate runs (empty: the spec\'s canaryPercent).'),
                script.string(name: 'IMAGE_DIGEST', defaultValue: '',
                        description: 'Release this image (sha256:…) instead of building this commit.'),
        ])])
        Map p = script.params != null ? (Map) script.params : [:]
        String envName = filled(p.ENVIRONMENT) ? (String) p.ENVIRONMENT : (String) environments[0]
        if (!environments.contains(envName)) {
            script.error("[mlPipeline] ENVIRONMENT '${envName}' is not one this job releases to (${environments.join(', ')})")
        }
        Map release = [:]
        if (!skips(o, 'model')) {
            if (!filled(p.MODEL_VERSION) && !filled(p.MODEL_ARTIFACTS)) {
                script.error('[mlPipeline] a promotion build needs the MODEL_VERSION or MODEL_ARTIFACTS parameter ' +
                        '(or skip \'model\' to release only the service)')
            }
            release.modelVersion = filled(p.MODEL_VERSION) ? p.MODEL_VERSION.toString() : null
            release.artifacts = filled(p.MODEL_ARTIFACTS) ? p.MODEL_ARTIFACTS.toString() : null
        }
        if (filled(p.CANARY)) {
            String text = p.CANARY.toString().trim()
            if (!(text ==~ /\d{1,3}/) || Integer.parseInt(text) > 100) {
                script.error("[mlPipeline] CANARY '${text}' is not a percentage 0-100")
            }
            release.canary = Integer.parseInt(text)
        }
        if (filled(p.IMAGE_DIGEST)) {
            release.imageDigest = p.IMAGE_DIGEST.toString().trim()
        }
        return releaseFlow(o, 'promotion', envName, release)
    }

    private Map releaseFlow(Map o, String kind, String envName, Map release) {
        Map out = [kind: kind, environment: envName]
        Map state = [released: false]
        script.node((String) o.agent) {
            checkout(o)
            state.validated = validate(o, envName)
            if (!skips(o, 'service') && release.imageDigest == null) {
                script.stage('Build and push image') {
                    out.build = script.mlBuildImage(spec: o.spec, env: envName, push: true, gitSha: gitSha(),
                            gitBranch: script.env.BRANCH_NAME)
                }
                release.imageDigest = out.build.digest
            }
            if (!needsApproval(o, envName, (Map) state.validated)) {
                out.release = releaseStage(o, envName, (Map) state.validated, release, null)
                state.released = true
            }
        }
        if (!state.released) {
            // Asked outside any node: nobody holds an executor while waiting for a person.
            out.approvedBy = approve(o, envName, release)
            script.node((String) o.agent) {
                checkout(o)
                out.release = releaseStage(o, envName, (Map) state.validated, release, (String) out.approvedBy)
            }
        }
        return out
    }

    private String approve(Map o, String envName, Map release) {
        Map answer = [:]
        script.stage('Approve release to ' + envName) {
            String what = release.imageDigest != null ? 'image ' + shortDigest((String) release.imageDigest) : 'the service'
            if (release.modelVersion != null || release.artifacts != null) {
                what += ', model ' + (release.modelVersion ?: release.artifacts)
            }
            if (release.canary != null) {
                what += ', canary ' + release.canary + '%'
            }
            Map args = [message: "Release ${what} to ${envName}?".toString(), ok: 'Release', submitterParameter: 'approver']
            if (o.approvers != null) {
                args.submitter = o.approvers
            }
            script.timeout(time: o.approvalTimeoutHours, unit: 'HOURS') {
                Object answered = script.input(args)
                answer.approver = answered instanceof Map ? ((Map) answered).approver : answered
            }
        }
        if (!filled(answer.approver)) {
            script.error("[mlPipeline] the approval of the release to ${envName} did not say who approved")
        }
        script.echo("[mlPipeline] release to ${envName} approved by ${answer.approver}")
        return answer.approver.toString()
    }

    private Map releaseStage(Map o, String envName, Map validated, Map release, String approvedBy) {
        Map settings = environmentSettings(o, envName)
        Map args = [spec: o.spec, env: envName, gitSha: gitSha(), buildUrl: script.env.BUILD_URL]
        List keys = ['canary', 'baseline', 'cases', 'timeout', 'lockTimeout']
        for (int i = 0; i < keys.size(); i++) {
            if (settings[keys[i]] != null) {
                args[keys[i]] = settings[keys[i]]
            }
        }
        List releaseKeys = new ArrayList(release.keySet())
        for (int i = 0; i < releaseKeys.size(); i++) {
            if (release[releaseKeys[i]] != null) {
                args[releaseKeys[i]] = release[releaseKeys[i]]
            }
        }
        if (skips(o, 'model')) {
            args.skipModel = true
        }
        if (skips(o, 'service')) {
            args.skipService = true
        }
        if (args.imageDigest != null) {
            args.skipBuild = true
        }
        if (approvedBy != null) {
            args.approvedBy = approvedBy
        }
        Map state = [:]
        script.stage('Release to ' + envName) {
            withKubeconfig(kubeconfigFor(o, envName)) {
                withReleaseLock((String) o.lock, 'mlship-' + validated.service + '-' + envName) { String lockMode ->
                    args.lock = lockMode
                    try {
                        state.result = script.mlRelease(args)
                    } finally {
                        publishGateResults((Map) state.result)
                        archive()
                    }
                }
            }
            Map r = (Map) state.result
            script.currentBuild.description = describe(envName, r, args)
        }
        return (Map) state.result
    }

    /**
     * Runs body(lockMode) under `lock(resource: …)` when the Lockable Resources plugin gives that step,
     * telling the CLI not to take its own Lease; without the plugin the CLI's Kubernetes Lease does it.
     */
    private Object withReleaseLock(String mode, String resource, Closure body) {
        if (mode == 'lease') {
            return body.call('lease')
        }
        Map entered = [value: false]
        try {
            return script.lock(resource: resource) {
                entered.value = true
                body.call('none')
            }
        } catch (NoSuchMethodError e) {
            // What Jenkins throws for a step no plugin provides: "No such DSL method 'lock'".
            if (entered.value || mode == 'jenkins') {
                throw e
            }
        } catch (MissingMethodException e) {
            if (entered.value || mode == 'jenkins' || e.method != 'lock') {
                throw e
            }
        }
        script.echo('[mlPipeline] no lock step (Lockable Resources plugin): mlship release takes its Kubernetes Lease')
        return body.call('lease')
    }

    private void withKubeconfig(String credentialsId, Closure body) {
        if (credentialsId == null) {
            body.call()
            return
        }
        script.withCredentials([script.file(credentialsId: credentialsId, variable: 'KUBECONFIG')]) {
            body.call()
        }
    }

    private void publishGateResults(Map result) {
        List files = result != null && result.junitFiles instanceof List ? (List) result.junitFiles : []
        script.junit(testResults: files.isEmpty() ? RELEASE_JUNIT : files.join(','), allowEmptyResults: true)
    }

    private void archive() {
        script.archiveArtifacts(artifacts: REPORTS, allowEmptyArchive: true)
    }

    private Map validate(Map o, String envName) {
        Map result = null
        script.stage('Validate spec') {
            Map args = [spec: o.spec]
            if (envName != null) {
                args.env = envName
            }
            result = script.mlValidate(args)
        }
        return result
    }

    private void checkout(Map o) {
        if (o.checkout != false) {
            script.checkout(script.scm)
        }
    }

    private static boolean needsApproval(Map o, String envName, Map validated) {
        Map settings = environmentSettings(o, envName)
        Map fromSpec = validated != null && validated.approval instanceof Map ? (Map) validated.approval : [:]
        return envName == 'prod' || settings.approval == true || fromSpec[envName] == true
    }

    private static Map environmentSettings(Map o, String envName) {
        Map all = o.environments instanceof Map ? (Map) o.environments : [:]
        return all[envName] instanceof Map ? (Map) all[envName] : [:]
    }

    private static String kubeconfigFor(Map o, String envName) {
        Map settings = environmentSettings(o, envName)
        return (String) (settings.kubeconfigCredentials ?: o.kubeconfigCredentials)
    }

    private static boolean skips(Map o, String part) {
        return ((List) o.skip).contains(part)
    }

    private String gitSha() {
        return script.env.GIT_COMMIT ? script.env.GIT_COMMIT.toString() : null
    }

    /** `prod: sha256:4f5e6d7c8b9a · model v3 (version 3) · approved by alice` */
    private static String describe(String envName, Map result, Map args) {
        List parts = [envName + ': ' + (result.imageDigest ? shortDigest((String) result.imageDigest) : 'service unchanged')]
        if (result.modelVersionId != null) {
            String name = args.modelVersion ?: args.artifacts
            parts.add('model ' + (name != null ? name + ' (version ' + result.modelVersionId + ')' : 'version ' + result.modelVersionId))
        }
        if (args.approvedBy != null) {
            parts.add('approved by ' + args.approvedBy)
        }
        return parts.join(' · ')
    }

    private static String shortDigest(String digest) {
        return digest != null && digest.length() > 19 ? digest.substring(0, 19) : digest
    }

    private static boolean filled(Object value) {
        return value != null && !value.toString().trim().isEmpty()
    }

    // ---- options ----

    /** The options with defaults applied; every problem fails the build at once, before any stage. */
    private Map checked() {
        StepMetadata meta = StepMetadata.forStep(script, STEP)
        List<String> problems = meta.check(given)
        Map o = [:]
        o.putAll(given)
        for (int i = 0; i < meta.params.size(); i++) {
            Map p = meta.params[i]
            if (o[p.name] == null && p['default'] != null) {
                o[p.name] = p['default'] instanceof List ? new ArrayList((List) p['default']) : p['default']
            }
        }
        List skip = o.skip instanceof List ? (List) o.skip : []
        for (int i = 0; i < skip.size(); i++) {
            if (!PARTS.contains(skip[i])) {
                problems.add("skip: '" + skip[i] + "' is not a part; parts are " + PARTS.join(', '))
            }
        }
        if (skip.contains('model') && skip.contains('service')) {
            problems.add("skip: 'model' and 'service' together leave nothing to release")
        }
        if (o.lock != null && !LOCK_MODES.contains(o.lock)) {
            problems.add("lock: '" + o.lock + "' is not one of " + LOCK_MODES.join(', '))
        }
        Map environments = o.environments instanceof Map ? (Map) o.environments : [:]
        List names = new ArrayList(environments.keySet())
        for (int i = 0; i < names.size(); i++) {
            Object settings = environments[names[i]]
            if (!(settings instanceof Map)) {
                problems.add('environments.' + names[i] + ': must be a map of ' + PipelineConfig.ENVIRONMENT_KEYS.join(', '))
                continue
            }
            List keys = new ArrayList(((Map) settings).keySet())
            for (int j = 0; j < keys.size(); j++) {
                String key = String.valueOf(keys[j])
                if (!PipelineConfig.ENVIRONMENT_KEYS.contains(key)) {
                    String guess = Names.closest(key, PipelineConfig.ENVIRONMENT_KEYS)
                    problems.add('environments.' + names[i] + ": unknown setting '" + key + "'" +
                            (guess != null ? " — did you mean '" + guess + "'?" : '') +
                            ' (spec values per environment go in mlship.yaml under environments.' + names[i] + '.overrides)')
                }
            }
        }
        if (!problems.isEmpty()) {
            script.error('[mlPipeline] ' + problems.join('\n  '))
        }
        return o
    }
}
