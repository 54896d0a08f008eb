package io.mlship.jenkins

/**
 * State shared by all mlship steps of one build, kept in the pipeline's binding: Jenkins gives every
 * global variable of a build the same binding and saves it with the program, so this survives a
 * controller restart and is gone with the build. Only plain maps and numbers are stored in it.
 */
class BuildState implements Serializable {
    private static final long serialVersionUID = 1L

    static final String VARIABLE = 'mlshipBuildState'

    /** 1, 2, 3… across all step calls of the build, so parallel branches never share a result directory. */
    static int nextCallNumber(script) {
        Map state = of(script)
        int next = ((Integer) state.calls) + 1
        state.calls = next
        return next
    }

    /** CLI checks already done in this build: key (node, directory, CLI) -> version found. */
    static Map checkedClis(script) {
        return (Map) of(script).clis
    }

    /** True the first time a build asks for {@code what}: work that is done once per build, not once per pipeline. */
    static boolean firstTime(script, String what) {
        Map state = of(script)
        List done = (List) state.once
        if (done.contains(what)) {
            return false
        }
        done.add(what)
        return true
    }

    /**
     * The build description with {@code line} as the line of pipeline {@code name} ('' for a lone pipeline),
     * each pipeline of a monorepo keeping its own line.
     */
    static String description(script, String name, String line) {
        Map lines = (Map) of(script).descriptions
        lines[name] = line
        List<String> out = []
        List names = new ArrayList(lines.keySet())
        for (int i = 0; i < names.size(); i++) {
            out.add(names[i] ? names[i] + ' — ' + lines[names[i]] : (String) lines[names[i]])
        }
        return out.join('\n')
    }

    // No Binding in a local variable: Binding is not serializable.
    private static Map of(script) {
        if (!script.getBinding().hasVariable(VARIABLE)) {
            script.getBinding().setVariable(VARIABLE, [calls: 0, clis: [:], once: [], descriptions: [:]])
        }
        return (Map) script.getBinding().getVariable(VARIABLE)
    }
}
