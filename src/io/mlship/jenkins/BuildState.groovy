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

    // No Binding in a local variable: Binding is not serializable.
    private static Map of(script) {
        if (!script.getBinding().hasVariable(VARIABLE)) {
            script.getBinding().setVariable(VARIABLE, [calls: 0, clis: [:]])
        }
        return (Map) script.getBinding().getVariable(VARIABLE)
    }
}
