package io.mlship.jenkins

/**
 * The one check a pull-request build publishes. The markdown is the CLI's (`mlship pr-check`, from the step
 * results this build saved); this class only hands it to the Checks API plugin's `publishChecks`, or, on a
 * Jenkins without that plugin, to the build log and description. The check keeps its name across builds, so a
 * re-run of the pull request updates it instead of adding another.
 */
class PullRequestCheck implements Serializable {
    private static final long serialVersionUID = 1L

    static final String STEP = 'publishChecks'

    private final script

    PullRequestCheck(script) {
        this.script = script
    }

    /** `mlship` for a lone pipeline, `mlship reco` for the pipeline named reco in a monorepo. */
    static String checkName(Map o) {
        return o.name ? 'mlship ' + o.name : 'mlship'
    }

    /**
     * Saves each step result to dir (the CLI reads files), composes the check and publishes it.
     *
     * @param results step name in the CLI's sense (validate, build, deploy, promote) -> that step's result, or null
     * @param args    mlPullRequestCheck's spec arguments (spec, repoRoot, stepsDir)
     * @return mlPullRequestCheck's result: title, summary, conclusion, markdownFile
     */
    Map publish(Map o, String envName, Map results, Map args, String dir) {
        Map checkArgs = [:]
        checkArgs.putAll(args)
        checkArgs.env = envName
        List names = new ArrayList(results.keySet())
        for (int i = 0; i < names.size(); i++) {
            if (results[names[i]] != null) {
                String file = dir + '/' + names[i] + '.json'
                script.writeFile(file: file, text: Json.format(results[names[i]]), encoding: 'UTF-8')
                checkArgs[names[i] + 'Result'] = file
            }
        }
        checkArgs.output = dir + '/pr-check.md'
        Map check = script.mlPullRequestCheck(checkArgs)
        String text = (String) script.readFile(file: (String) check.markdownFile, encoding: 'UTF-8')
        send(o, [name: checkName(o), title: check.title, summary: check.summary, text: text,
                 conclusion: check.conclusion == 'success' ? 'SUCCESS' : 'FAILURE'])
        if (check.conclusion != 'success') {
            script.currentBuild.result = 'UNSTABLE'
        }
        return check
    }

    /** A build that failed before the check could be composed still answers on the pull request. */
    void failed(Map o, String why) {
        send(o, [name: checkName(o), title: 'mlship: the pull-request build failed', summary: why, text: why,
                 conclusion: 'FAILURE'])
    }

    private void send(Map o, Map check) {
        if (StepCatalog.missing([STEP]).isEmpty()) {
            try {
                script.publishChecks(check)
                return
            } catch (NoSuchMethodError e) { // "No such DSL method": the registry could not be asked, the plugin is absent
            } catch (MissingMethodException e) {
                if (e.method != STEP) {
                    throw e
                }
            }
        }
        script.echo('[mlPipeline' + (o.name ? ' ' + o.name : '') + '] no publishChecks step (Checks API plugin): the check ' +
                "'" + check.name + "' (" + check.conclusion + ') follows, and is archived as pr-check.md\n' + check.text)
    }
}
