package io.mlship.jenkins

/**
 * Turns a failed CLI call into the one message the build shows: the step name, what kind of failure
 * the exit code says it was, the CLI's message, each problem on its own line, and the hint.
 */
class ErrorFormatter implements Serializable {
    private static final long serialVersionUID = 1L

    /** Steps that only check: their exit 1 is a failed gate, and nothing was undone. */
    static final List<String> CHECK_ONLY_STEPS = ['mlSmokeTest']

    static String failure(String stepName, int exitCode, Map result) {
        Map details = result.errorDetails instanceof Map ? (Map) result.errorDetails : [:]
        String message = details.message ? details.message.toString() : 'no errorDetails in the result file'
        List<String> lines = ['[' + stepName + '] ' + headline(stepName, exitCode, details.category) + ': ' + message]
        if (details.problems instanceof List) {
            List problems = (List) details.problems
            for (int i = 0; i < problems.size(); i++) {
                lines.add('  ' + problemLine(problems[i]))
            }
        }
        if (details.hint) {
            lines.add('Hint: ' + details.hint)
        }
        return lines.join('\n')
    }

    static String noResult(String stepName, int exitCode, String resultFile) {
        return "[${stepName}] mlship exited ${exitCode} without a result file (${resultFile}); see the console log above"
    }

    static String unreadableResult(String stepName, int exitCode, String resultFile, String why) {
        return "[${stepName}] mlship exited ${exitCode} without a readable result file (${resultFile}: ${why}); " +
                'see the console log above'
    }

    /** Exit codes of the CLI: 1 rolled back (a failed check for a check-only step), 2 bad input, 3 infrastructure, 4 rollback failed. */
    private static String headline(String stepName, int exitCode, Object category) {
        if (exitCode == 1 && CHECK_ONLY_STEPS.contains(stepName)) {
            return 'gate failed (nothing was rolled back: what was tested still serves; mlRelease rolls back)'
        }
        if (exitCode == 1) {
            return category == 'gateFailed' ? 'gate failed (rolled back)' : 'rollout failed (rolled back)'
        }
        if (exitCode == 2) {
            return 'bad input'
        }
        if (exitCode == 3) {
            return 'infrastructure error'
        }
        if (exitCode == 4) {
            return 'rollback FAILED — a person must look'
        }
        return 'mlship failed with exit code ' + exitCode
    }

    /** `deploy.ingres (line 12): unknown key — did you mean 'ingress'?` */
    private static String problemLine(Object problem) {
        if (!(problem instanceof Map)) {
            return String.valueOf(problem)
        }
        Map p = (Map) problem
        String where = p.path ? p.path.toString() : ''
        if (p.line != null && p.line != 0) { // 0: the problem is not in a file (an option, a commit)
            where = where + (where ? ' ' : '') + '(line ' + p.line + ')'
        }
        String text = (where ? where + ': ' : '') + (p.message ?: 'problem')
        return p.hint ? text + ' — ' + p.hint : text
    }
}
