package io.mlship.jenkins

/**
 * What one step accepts, read from resources/io/mlship/steps/<step>.json. That file is the single
 * description of a step: the runner checks arguments against it and vars/<step>.txt documents it.
 *
 * Loops in this library are index loops over lists: a for-in loop keeps an Iterator in the CPS
 * program state, and iterators cannot be serialized when Jenkins saves the program.
 */
class StepMetadata implements Serializable {
    private static final long serialVersionUID = 1L

    /** Keys every step accepts. The runner handles them itself; they never reach the CLI. */
    static final List<String> COMMON_KEYS = ['cli', 'stepsDir']

    String name
    /** 'pipeline' for mlPipeline, which runs other steps and takes none of the runner's own keys. */
    String kind
    String command
    String example
    List<Map> params

    static StepMetadata forStep(script, String stepName) {
        Map json = (Map) Json.parse((String) script.libraryResource('io/mlship/steps/' + stepName + '.json'))
        StepMetadata meta = new StepMetadata()
        meta.name = (String) json.name
        meta.kind = (String) json.kind
        meta.command = (String) json.command
        meta.example = (String) json.example
        meta.params = (List<Map>) json.params
        return meta
    }

    List<String> allowedKeys() {
        List<String> keys = []
        for (int i = 0; i < params.size(); i++) {
            keys.add((String) params[i].name)
        }
        if (kind != 'pipeline') {
            keys.addAll(COMMON_KEYS)
        }
        Collections.sort(keys)
        return keys
    }

    /** Every problem with the step's arguments, one sentence each; empty when the call is fine. */
    List<String> check(Map args) {
        List<String> problems = []
        List<String> allowed = allowedKeys()
        boolean unknownKey = false
        List keys = new ArrayList(args.keySet())
        for (int i = 0; i < keys.size(); i++) {
            String k = String.valueOf(keys[i])
            if (!allowed.contains(k)) {
                unknownKey = true
                String guess = Names.closest(k, allowed)
                problems.add("unknown parameter '" + k + "'" + (guess != null ? " — did you mean '" + guess + "'?" : ''))
            }
        }
        for (int i = 0; i < params.size(); i++) {
            Map p = params[i]
            Object value = args[p.name]
            if (value == null) {
                if (p.required) {
                    problems.add("missing required parameter '" + p.name + "': " + p.description)
                }
            } else if (!hasType(value, (String) p.type)) {
                problems.add("parameter '" + p.name + "' must be " + describeType((String) p.type) +
                        ", not " + value.getClass().getSimpleName())
            } else if (value != false) {
                problems.addAll(missingCompanions(p, args))
            }
        }
        if (unknownKey) {
            problems.add('allowed parameters: ' + allowed.join(', '))
        }
        return problems
    }

    /** A given parameter's `requires`: the parameters that must come with it, each non-empty (forceUngated needs a reason). */
    private List<String> missingCompanions(Map p, Map args) {
        List<String> problems = []
        List requires = p.requires instanceof List ? (List) p.requires : []
        for (int i = 0; i < requires.size(); i++) {
            String other = (String) requires[i]
            Object value = args[other]
            if (value == null || (value instanceof CharSequence && !value.toString().trim())) {
                problems.add("parameter '" + p.name + "' needs '" + other + "' as well: " + describe(other))
            }
        }
        return problems
    }

    private String describe(String paramName) {
        for (int i = 0; i < params.size(); i++) {
            if (params[i].name == paramName) {
                return (String) params[i].description
            }
        }
        return ''
    }

    /** The parameters for the CLI: only params marked cli:true, defaults applied, null meaning "not given". */
    Map cliParams(Map args) {
        Map out = [:]
        for (int i = 0; i < params.size(); i++) {
            Map p = params[i]
            if (p.cli != true) {
                continue
            }
            Object value = args[p.name]
            if (value == null) {
                value = p['default']
            }
            if (value != null) {
                out[p.name] = plain(value)
            }
        }
        return out
    }

    private static boolean hasType(Object value, String type) {
        if (type == 'string') {
            return value instanceof CharSequence
        }
        if (type == 'boolean') {
            return value instanceof Boolean
        }
        if (type == 'integer') {
            return value instanceof Integer || value instanceof Long || value instanceof BigInteger
        }
        if (type == 'list') {
            return value instanceof List
        }
        if (type == 'map') {
            return value instanceof Map
        }
        return false
    }

    private static String describeType(String type) {
        return type == 'integer' ? 'an integer' : 'a ' + type
    }

    /** GStrings (common in Jenkinsfiles) become Strings so the JSON holds their text, not their parts. */
    private static Object plain(Object value) {
        if (value instanceof CharSequence) {
            return value.toString()
        }
        if (value instanceof List) {
            List out = []
            List items = (List) value
            for (int i = 0; i < items.size(); i++) {
                out.add(plain(items[i]))
            }
            return out
        }
        return value
    }
}
