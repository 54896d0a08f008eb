package io.mlship.jenkins

/**
 * mlPipeline's options, checked against resources/io/mlship/steps/mlPipeline.json, with defaults applied and
 * the monorepo name worked out. Every problem fails the build at once, before any stage.
 */
class PipelineOptions implements Serializable {
    private static final long serialVersionUID = 1L

    static final String STEP = 'mlPipeline'
    static final List<String> PARTS = ['model', 'service', 'commits', 'diff']
    static final List<String> LOCK_MODES = ['auto', 'jenkins', 'lease']

    /** The options with defaults applied; `name` is '' for a spec at the top of the repository. */
    static Map checked(script, Map given) {
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
        if (o.name == null) {
            o.name = folderOf(String.valueOf(o.spec))
        } else if (!(String.valueOf(o.name) ==~ /[A-Za-z0-9][A-Za-z0-9._\/-]*/) || String.valueOf(o.name).contains('..')) {
            problems.add("name: '" + o.name + "' must be letters, digits, '.', '_', '-' or '/', e.g. 'reco' " +
                    '(it names stages and folders of the workspace)')
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
        problems.addAll(environmentProblems(o))
        if (!problems.isEmpty()) {
            script.error('[mlPipeline] ' + problems.join('\n  '))
        }
        return o
    }

    /** 'services/reco/mlship.yaml' -> 'services/reco'; a spec at the top has no folder. */
    static String folderOf(String spec) {
        int slash = spec.lastIndexOf('/')
        return slash > 0 ? spec.substring(0, slash) : ''
    }

    private static List<String> environmentProblems(Map o) {
        List<String> problems = []
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
        return problems
    }

    static Map environmentSettings(Map o, String envName) {
        Map all = o.environments instanceof Map ? (Map) o.environments : [:]
        return all[envName] instanceof Map ? (Map) all[envName] : [:]
    }

    static String kubeconfigFor(Map o, String envName) {
        Map settings = environmentSettings(o, envName)
        return (String) (settings.kubeconfigCredentials ?: o.kubeconfigCredentials)
    }

    static boolean skips(Map o, String part) {
        return ((List) o.skip).contains(part)
    }

    /** The environment whose gate a release to envName must have passed (the spec's `promoteFrom`, from validate), or null. */
    static String promoteFrom(String envName, Map validated) {
        Map fromSpec = validated != null && validated.promoteFrom instanceof Map ? (Map) validated.promoteFrom : [:]
        return fromSpec[envName] != null ? fromSpec[envName].toString() : null
    }

    /** True where a person approves first: the spec or the DSL asks for it, and always for prod. */
    static boolean needsApproval(Map o, String envName, Map validated) {
        Map fromSpec = validated != null && validated.approval instanceof Map ? (Map) validated.approval : [:]
        return envName == 'prod' || environmentSettings(o, envName).approval == true || fromSpec[envName] == true
    }
}
