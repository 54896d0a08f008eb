package io.mlship.jenkins

/**
 * What a pipeline run will need from this Jenkins, checked before the first step that does work (builds,
 * pushes, deploys): the steps it will call and the credentials it names. One message lists every gap, so
 * a new job learns all of them from its first build instead of one per failed release.
 */
class Preflight implements Serializable {
    private static final long serialVersionUID = 1L

    private final script

    Preflight(script) {
        this.script = script
    }

    /**
     * @param steps step name -> why the run needs it
     * @param credentials credential id -> what it is for; each is bound once, as the run would bind it
     */
    void check(Map<String, String> steps, Map<String, String> credentials) {
        List<String> gaps = []
        List<String> names = new ArrayList(steps.keySet())
        List<String> absent = StepCatalog.missing(names)
        for (int i = 0; i < absent.size(); i++) {
            String plugin = StepCatalog.PLUGINS[absent[i]]
            gaps.add("no '" + absent[i] + "' step" + (plugin ? ' (the ' + plugin + ' plugin)' : '') + ': ' + steps[absent[i]])
        }
        if (!absent.contains('withCredentials')) {
            List ids = new ArrayList(credentials.keySet())
            for (int i = 0; i < ids.size(); i++) {
                String problem = bindingProblem((String) ids[i])
                if (problem != null) {
                    gaps.add("credentials '" + ids[i] + "' (" + credentials[ids[i]] + '): ' + problem)
                }
            }
        }
        if (!gaps.isEmpty()) {
            script.error('[mlPipeline] this Jenkins lacks what the build needs; nothing was built or released:\n  ' +
                    gaps.join('\n  '))
        }
    }

    /** Binds a kubeconfig credential as a release would; Jenkins fails the binding when the id is unknown or not a file. */
    private String bindingProblem(String credentialsId) {
        try {
            script.withCredentials([script.file(credentialsId: credentialsId, variable: 'MLSHIP_PREFLIGHT_KUBECONFIG')]) {
            }
            return null
        } catch (InterruptedException e) { // the build was aborted: not a finding
            throw e
        } catch (Exception e) {
            return (e.message ?: e.getClass().getSimpleName()) +
                    ' — add it as a Secret file credential or fix the id in the Jenkinsfile'
        }
    }
}
