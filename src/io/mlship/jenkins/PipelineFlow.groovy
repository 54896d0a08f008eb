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
 * Where that environment has `promoteFrom` (validate's result says), a promotion builds no image: it releases
 * what last passed that environment's gate, unless IMAGE_DIGEST / MODEL_VERSION / MODEL_ARTIFACTS override it.
 * A person approves (input) before a release where the spec or the DSL asks for it, and always for prod.
 * Every build declares the promotion parameters (PromotionParameters), and checks what it will need from
 * Jenkins (Preflight) before the first step that does work.
 *
 * A monorepo calls mlPipeline once per spec; each call's `name` prefixes its stages and keeps its work files,
 * step results, archived files and build-description line apart (PipelineFlow.Work).
 *
 * Index loops and plain maps only: this runs CPS-transformed and is saved with the program.
 */
class PipelineFlow implements Serializable {
    private static final long serialVersionUID = 1L

    static final String WORK_DIR = '.mlship/pipeline'
    /** Where a lone pipeline's release JUnit files are when its result is not there to say (the release failed). */
    static final String RELEASE_JUNIT = '.mlship/steps/mlRelease-*/**/*.xml'
    /** The HTML reports link their stylesheet (mlship-report.css) beside them: Jenkins' CSP allows no inline styles. */
    static final String REPORTS = '.mlship/steps/**/*.json, .mlship/steps/**/*.html, .mlship/steps/**/*.css, ' +
            '.mlship/steps/**/*.yaml, ' + WORK_DIR + '/*.yaml, ' + WORK_DIR + '/check/*.md'

    private final script
    private final Map given

    PipelineFlow(script, Map given) {
        this.script = script
        this.given = given
    }

    Map run() {
        Map o = PipelineOptions.checked(script, given)
        PromotionParameters promotionParameters = new PromotionParameters(script)
        String kind = jobKind(o, script.env, script.params)
        say(o, kind + ' build')
        if (kind == 'pullRequest' && PromotionParameters.filledIn(script.params)) {
            script.error('[mlPipeline] a pull-request build does not promote: start the promotion on a main branch ' +
                    '(' + ((List) o.mainBranches).join(', ') + ') with Build with Parameters')
        }
        promotionParameters.declare((List) o.promotionEnvironments, kind == 'pullRequest')
        if (kind == 'promotion') {
            if (promotionParameters.firstBuild()) {
                say(o, 'the job\'s promotion parameters are declared now: start the promotion with Build with Parameters ' +
                        '(MODEL_VERSION or MODEL_ARTIFACTS; for an environment with promoteFrom they may stay empty)')
                script.currentBuild.result = 'NOT_BUILT'
                return [kind: kind, parametersDeclared: true]
            }
            Map read = promotionParameters.read(o)
            return releaseFlow(o, kind, (String) read.environment, (Map) read.release)
        }
        if (kind == 'main') {
            return releaseFlow(o, 'main', (String) o.mainEnvironment,
                    [modelVersion: o.modelVersion, skipModel: o.modelVersion == null ? true : null])
        }
        return verify(o, kind)
    }

    /** The job kind; see the class comment. */
    static String jobKind(Map o, env, params) {
        if (o.promotion == true || (!filled(env.CHANGE_ID) && PromotionParameters.filledIn(params))) {
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
        String envName = (String) o.mainEnvironment
        script.node((String) o.agent) {
            try {
                verifyOnNode(o, kind, envName, out)
            } catch (InterruptedException e) { // aborted (a newer build of the pull request): it answers instead
                throw e
            } catch (Exception e) {
                if (kind == 'pullRequest' && out.check == null) {
                    new PullRequestCheck(script).failed(o, e.message ?: e.getClass().getSimpleName())
                }
                throw e
            }
        }
        return out
    }

    private void verifyOnNode(Map o, String kind, String envName, Map out) {
        boolean diff = !skips(o, 'service') && !skips(o, 'diff')
        checkout(o)
        out.validated = validate(o, null)
        Map credentials = diff && kubeconfigFor(o, envName) ? [(kubeconfigFor(o, envName)): 'kubeconfig for the dry run against ' + envName] : [:]
        new Preflight(script).check(credentials ? [withCredentials: 'binds the kubeconfig credentials'] : [:], credentials)
        if (kind == 'pullRequest' && !skips(o, 'commits')) {
            checkCommits(o, out)
        }
        if (!skips(o, 'service')) {
            stage(o, 'Build image (tar, no push)') {
                out.build = script.mlBuildImage(stepArgs(o, [env: envName, push: false, tar: workDir(o) + '/image.tar',
                                                             gitSha: gitSha()]))
            }
            if (diff) {
                stage(o, 'Diff against ' + envName) {
                    out.render = script.mlRender(stepArgs(o, [env: envName, imageDigest: out.build.digest,
                                                              output: workDir(o) + '/' + envName + '.yaml']))
                    withKubeconfig(kubeconfigFor(o, envName)) {
                        out.diff = script.mlDeploy(stepArgs(o, [env: envName, imageDigest: out.build.digest, dryRun: true]))
                    }
                }
            }
        }
        Map parts = out.validated instanceof Map ? (Map) ((Map) out.validated).parts : null
        if (!skips(o, 'model') && parts != null && parts.model == true && o.modelVersion != null) {
            stage(o, 'Check model artifacts') {
                out.artifacts = script.mlPromoteModel(stepArgs(o, [env: envName, modelVersion: o.modelVersion, checkOnly: true]))
            }
        }
        stage(o, 'Publish reports') {
            if (kind == 'pullRequest') {
                out.check = new PullRequestCheck(script).publish(o, envName, [validate: out.validated, build: out.build,
                        deploy: out.diff, promote: out.artifacts], stepArgs(o, [:]), workDir(o) + '/check')
            }
            archive(o)
        }
        describe(o, (out.build != null ? 'checked: image ' + ReleaseText.shortDigest((String) out.build.digest) + ' (not pushed)'
                : 'checked') + (out.check != null ? ' · check ' + out.check.conclusion : ''))
    }

    /** The commit subjects are the repository's, not a spec's: a monorepo's pipelines check them once per build. */
    private void checkCommits(Map o, Map out) {
        if (!BuildState.firstTime(script, 'commits')) {
            say(o, 'commit messages were checked by an earlier pipeline of this build')
            return
        }
        stage(o, 'Check commit messages') {
            Map args = [from: 'origin/' + script.env.CHANGE_TARGET]
            if (o.commitTypes != null) {
                args.types = o.commitTypes
            }
            if (o.name) {
                args.stepsDir = workDir(o) + '/steps'
            }
            out.commits = script.mlCheckCommits(args)
        }
    }

    // ---- main branch and promotion: build, approve where needed, release under a lock ----

    private Map releaseFlow(Map o, String kind, String envName, Map release) {
        Map out = [kind: kind, environment: envName]
        Map state = [released: false]
        script.node((String) o.agent) {
            checkout(o)
            state.validated = validate(o, envName)
            if (kind == 'promotion') {
                state.promoteFrom = PipelineOptions.promoteFrom(envName, (Map) state.validated)
                PromotionParameters.requireModel(script, o, envName, release, (String) state.promoteFrom)
            }
            new Preflight(script).check(releaseSteps(o, envName, (Map) state.validated), releaseCredentials(o, envName))
            if (state.promoteFrom != null) {
                say(o, ReleaseText.promotedFrom(o, envName, release, (String) state.promoteFrom))
            } else if (!skips(o, 'service') && release.imageDigest == null) {
                stage(o, 'Build and push image') {
                    out.build = script.mlBuildImage(stepArgs(o, [env: envName, push: true, gitSha: gitSha(),
                                                                 gitBranch: script.env.BRANCH_NAME]))
                }
                release.imageDigest = out.build.digest
            }
            if (!PipelineOptions.needsApproval(o, envName, (Map) state.validated)) {
                milestone(o, 'Release to ' + envName)
                out.release = releaseStage(o, envName, (Map) state.validated, release, null)
                state.released = true
            } else {
                // What the person approves is named, and known before they are asked: with promoteFrom, the CLI
                // resolves it from the gate verdicts without changing anything.
                state.what = resolve(o, envName, release)
                state.excluded = new ReleaseApproval(script).excluded()
            }
        }
        if (!state.released) {
            // An older build waiting here is aborted once a newer one has passed; asked outside any node:
            // nobody holds an executor while waiting for a person.
            milestone(o, 'Approve release to ' + envName)
            Map approved = null
            stage(o, 'Approve release to ' + envName) {
                approved = new ReleaseApproval(script).ask(o, envName, release, (String) state.promoteFrom, (Map) state.what,
                        (List) state.excluded)
            }
            say(o, "release to ${envName} approved by ${approved.by}: ${approved.reason}")
            out.approvedBy = approved.by
            Map approval = [approvedBy: approved.by, approvalReason: approved.reason,
                            approvedImageDigest: ((Map) state.what).imageDigest, approvedModelVersion: ((Map) state.what).modelVersion]
            milestone(o, 'Release to ' + envName)
            script.node((String) o.agent) {
                checkout(o)
                out.release = releaseStage(o, envName, (Map) state.validated, release, approval)
            }
        }
        return out
    }

    /** [imageDigest, modelVersion] the release would take, from `mlship release --resolve-only` (nothing changes). */
    private Map resolve(Map o, String envName, Map release) {
        Map args = releaseArgs(o, envName, release)
        args.resolveOnly = true
        Map result = null
        withKubeconfig(kubeconfigFor(o, envName)) {
            result = script.mlRelease(args)
        }
        Map resolved = result.resolved instanceof Map ? (Map) result.resolved : [:]
        return [imageDigest: resolved.imageDigest, modelVersion: resolved.modelVersion]
    }

    /** Aborts this build when a newer one has passed the same milestone: an older build never releases after a newer one. */
    private void milestone(Map o, String what) {
        script.milestone(label: o.name ? o.name + ': ' + what : what)
    }

    /** The steps a release will call beyond the library's own, each with why. */
    private static Map<String, String> releaseSteps(Map o, String envName, Map validated) {
        Map<String, String> steps = [junit: 'publishes the gates\' JUnit results']
        if (o.lock == 'jenkins') {
            steps.lock = "lock 'jenkins' holds a Jenkins lock around each release (lock 'auto' uses the CLI's Kubernetes Lease without it)"
        }
        steps.milestone = 'an older build never releases after a newer one'
        if (PipelineOptions.needsApproval(o, envName, validated)) {
            steps.input = 'a person approves the release to ' + envName
            steps.timeout = 'the approval waits at most approvalTimeoutHours'
        }
        if (kubeconfigFor(o, envName)) {
            steps.withCredentials = 'binds the kubeconfig credentials'
        }
        return steps
    }

    private static Map<String, String> releaseCredentials(Map o, String envName) {
        String id = kubeconfigFor(o, envName)
        return id ? [(id): 'kubeconfig for ' + envName] : [:]
    }

    /** mlRelease's arguments for the environment's settings and what the build or its parameters name. */
    private Map releaseArgs(Map o, String envName, Map release) {
        Map settings = PipelineOptions.environmentSettings(o, envName)
        Map args = stepArgs(o, [env: envName, gitSha: gitSha(), buildUrl: script.env.BUILD_URL])
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
        return args
    }

    /** @param approval approvedBy, approvalReason, approvedImageDigest, approvedModelVersion; null without an approval */
    private Map releaseStage(Map o, String envName, Map validated, Map release, Map approval) {
        Map args = releaseArgs(o, envName, release)
        List approvalKeys = approval == null ? [] : new ArrayList(approval.keySet())
        for (int i = 0; i < approvalKeys.size(); i++) {
            if (approval[approvalKeys[i]] != null) {
                args[approvalKeys[i]] = approval[approvalKeys[i]]
            }
        }
        Map state = [:]
        stage(o, 'Release to ' + envName) {
            withKubeconfig(kubeconfigFor(o, envName)) {
                withReleaseLock((String) o.lock, 'mlship-' + validated.service + '-' + envName) { String lockMode ->
                    args.lock = lockMode
                    try {
                        state.result = script.mlRelease(args)
                    } finally {
                        publishGateResults(o, (Map) state.result)
                        archive(o)
                    }
                }
            }
            describe(o, ReleaseText.describe(envName, (Map) state.result, args))
        }
        return (Map) state.result
    }

    /**
     * Runs body(lockMode) under `lock(resource: …)` when the Lockable Resources plugin gives that step. The CLI
     * takes its Kubernetes Lease under it all the same: the Jenkins lock orders this Jenkins' builds (they queue in
     * Jenkins, not on the cluster), while the Lease is what a release from a terminal or another Jenkins sees.
     * (With lock 'jenkins', Preflight has already failed the build when the plugin is missing.)
     */
    private Object withReleaseLock(String mode, String resource, Closure body) {
        if (mode == 'lease') {
            return body.call('lease')
        }
        Map entered = [value: false]
        try {
            return script.lock(resource: resource) {
                entered.value = true
                body.call('lease')
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

    private void publishGateResults(Map o, Map result) {
        List files = result != null && result.junitFiles instanceof List ? (List) result.junitFiles : []
        String fallback = o.name ? workDir(o) + '/steps/mlRelease-*/**/*.xml' : RELEASE_JUNIT
        script.junit(testResults: files.isEmpty() ? fallback : files.join(','), allowEmptyResults: true)
    }

    /** A lone pipeline keeps its reports where it always did; a named one archives only its own folder. */
    private void archive(Map o) {
        script.archiveArtifacts(artifacts: o.name ? workDir(o) + '/**' : REPORTS, allowEmptyArchive: true)
    }

    private Map validate(Map o, String envName) {
        Map result = null
        stage(o, 'Validate spec') {
            Map args = stepArgs(o, [:])
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

    // ---- what keeps the pipelines of a monorepo apart ----

    /** The arguments every spec step of this pipeline gets: its spec, repoRoot and (named) its own result folder. */
    private static Map stepArgs(Map o, Map args) {
        Map out = [spec: o.spec]
        if (o.repoRoot != null) {
            out.repoRoot = o.repoRoot
        }
        if (o.name) {
            out.stepsDir = workDir(o) + '/steps'
        }
        out.putAll(args)
        return out
    }

    private static String workDir(Map o) {
        return o.name ? WORK_DIR + '/' + o.name : WORK_DIR
    }

    private Object stage(Map o, String title, Closure body) {
        return script.stage(o.name ? o.name + ': ' + title : title, body)
    }

    private void say(Map o, String text) {
        script.echo('[mlPipeline' + (o.name ? ' ' + o.name : '') + '] ' + text)
    }

    private void describe(Map o, String line) {
        script.currentBuild.description = BuildState.description(script, (String) o.name, line)
    }

    private static String kubeconfigFor(Map o, String envName) {
        return PipelineOptions.kubeconfigFor(o, envName)
    }

    private static boolean skips(Map o, String part) {
        return PipelineOptions.skips(o, part)
    }

    private String gitSha() {
        return script.env.GIT_COMMIT ? script.env.GIT_COMMIT.toString() : null
    }

    private static boolean filled(Object value) {
        return value != null && !value.toString().trim().isEmpty()
    }
}
