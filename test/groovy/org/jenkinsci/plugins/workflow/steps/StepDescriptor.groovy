package org.jenkinsci.plugins.workflow.steps

/**
 * Stand-in for Jenkins' step registry in pipeline tests: only byFunctionName, which the library's StepCatalog
 * asks. It answers from the steps the running test's Jenkins provides; FakeAgent sets that per test (a
 * ThreadLocal, as Jenkins' own registry is one per controller).
 */
class StepDescriptor {
    static final ThreadLocal<Closure<Boolean>> PROVIDED = new ThreadLocal<>()

    /** A non-null descriptor stand-in when the step is there, null when it is not. */
    static Object byFunctionName(String name) {
        Closure<Boolean> provided = PROVIDED.get()
        return provided == null || provided.call(name) ? name : null
    }
}
