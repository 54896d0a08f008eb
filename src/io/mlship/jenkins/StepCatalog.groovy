package io.mlship.jenkins

/**
 * Which pipeline steps this Jenkins provides, asked of Jenkins' step registry (StepDescriptor.byFunctionName)
 * without calling the steps. Where the registry cannot be asked (a library running in the Groovy sandbox),
 * every step counts as there and a missing one fails when it is called, as it would without this check.
 */
class StepCatalog implements Serializable {
    private static final long serialVersionUID = 1L

    /** By name, in a string: library Groovy imports nothing outside java.*, groovy.* and this package. */
    static final String REGISTRY = 'org.jenkinsci.plugins.workflow.steps.StepDescriptor'

    /** The plugin that gives each step mlPipeline may call, for the message when it is missing. */
    static final Map<String, String> PLUGINS = [
            lock           : 'Lockable Resources',
            input          : 'Pipeline: Input Step',
            timeout        : 'Pipeline: Basic Steps',
            withCredentials: 'Credentials Binding',
            junit          : 'JUnit',
            publishChecks  : 'Checks API',
            milestone      : 'Pipeline: Milestone Step',
    ]

    /** The names in {@code steps} this Jenkins does not provide. */
    static List<String> missing(List<String> steps) {
        Class registry
        try {
            registry = Class.forName(REGISTRY, true, StepCatalog.classLoader)
        } catch (Exception e) { // not found, or refused by the sandbox: nothing can be known
            return []
        }
        List<String> out = []
        for (int i = 0; i < steps.size(); i++) {
            if (registry.byFunctionName(steps[i]) == null) {
                out.add(steps[i])
            }
        }
        return out
    }
}
