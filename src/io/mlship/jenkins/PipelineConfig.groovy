package io.mlship.jenkins

/**
 * The delegate of the `mlPipeline { … }` closure: each method records one option in a plain map, the
 * same map `mlPipeline(spec: …, …)` takes, so both forms are checked and run by the same code. Only
 * strings, numbers, booleans, lists and maps are kept: the map is saved with the CPS program.
 */
class PipelineConfig implements Serializable {
    private static final long serialVersionUID = 1L

    /** Options an `environment('…') { … }` block (or an `environments` map entry) takes. */
    static final List<String> ENVIRONMENT_KEYS = ['approval', 'baseline', 'canary', 'cases', 'kubeconfigCredentials',
                                                  'lockTimeout', 'timeout']

    final Map options = [:]

    /** Runs the closure with this object as its delegate; returns the options it set. */
    static Map fromClosure(Closure body) {
        PipelineConfig config = new PipelineConfig()
        body.resolveStrategy = Closure.DELEGATE_FIRST
        body.delegate = config
        body.call()
        return config.options
    }

    void spec(String path) { options.spec = path }

    /** A monorepo's name for this pipeline: prefixes its stages, names its folders (default: the spec's folder). */
    void name(String name) { options.name = name }

    /** Folder that paths inside the spec resolve against (default: the spec's folder). */
    void repoRoot(String path) { options.repoRoot = path }

    void agent(String label) { options.agent = label }

    /** Parts to leave out: 'model', 'service', 'commits', 'diff'. */
    void skip(String... parts) {
        List list = options.skip instanceof List ? (List) options.skip : []
        for (int i = 0; i < parts.length; i++) {
            list.add(parts[i])
        }
        options.skip = list
    }

    void mainBranches(String... names) { options.mainBranches = toList(names) }

    void mainEnvironment(String name) { options.mainEnvironment = name }

    void promotionEnvironments(String... names) { options.promotionEnvironments = toList(names) }

    void promotion(boolean value) { options.promotion = value }

    void modelVersion(String version) { options.modelVersion = version }

    /** 'auto' (Jenkins lock when the Lockable Resources plugin is there, else the Lease), 'jenkins' or 'lease'. */
    void lock(String mode) { options.lock = mode }

    void approvers(String submitters) { options.approvers = submitters }

    void approvalTimeoutHours(int hours) { options.approvalTimeoutHours = hours }

    /** True lets the commit's author or the build's starter approve its release: for teams too small for a second person. */
    void allowSelfApproval(boolean value) { options.allowSelfApproval = value }

    void kubeconfigCredentials(String credentialsId) { options.kubeconfigCredentials = credentialsId }

    void commitTypes(String... types) { options.commitTypes = toList(types) }

    void checkout(boolean value) { options.checkout = value }

    /** Per-environment settings, e.g. `environment('staging') { canary 20 }`. */
    void environment(String name, Closure body) {
        EnvironmentBlock block = new EnvironmentBlock()
        body.resolveStrategy = Closure.DELEGATE_FIRST
        body.delegate = block
        body.call()
        Map environments = options.environments instanceof Map ? (Map) options.environments : [:]
        Map existing = environments[name] instanceof Map ? (Map) environments[name] : [:]
        existing.putAll(block.values)
        environments[name] = existing
        options.environments = environments
    }

    private static List toList(String[] values) {
        List list = []
        for (int i = 0; i < values.length; i++) {
            list.add(values[i])
        }
        return list
    }

    /** The delegate of one `environment('…') { … }` block. */
    static class EnvironmentBlock implements Serializable {
        private static final long serialVersionUID = 1L

        final Map values = [:]

        void canary(int percent) { values.canary = percent }

        void approval(boolean required) { values.approval = required }

        void baseline(String url) { values.baseline = url }

        void cases(String file) { values.cases = file }

        void timeout(String duration) { values.timeout = duration }

        void lockTimeout(String duration) { values.lockTimeout = duration }

        void kubeconfigCredentials(String credentialsId) { values.kubeconfigCredentials = credentialsId }
    }
}
