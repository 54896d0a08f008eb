package io.mlship.jenkins

/**
 * A person's approval of one release: asked outside any node, of someone who neither wrote the change nor started
 * the build (unless the pipeline allows it, for small teams), with a reason, and naming the image digest and model
 * version approved. mlship release then refuses anything else (its --approved-image-digest/--approved-model-version),
 * so a newer build or a newer gate verdict never goes out on this approval.
 */
class ReleaseApproval implements Serializable {
    private static final long serialVersionUID = 1L

    static final String REASON = 'REASON'
    static final String USER_CAUSE = 'hudson.model.Cause$UserIdCause'

    private final script

    ReleaseApproval(script) {
        this.script = script
    }

    /**
     * The people who may not approve this build's release: the authors of its changes (Jenkins' users, as the
     * change log names them, and a pull request's author) and whoever started it. Read on the node, before asking.
     */
    List<String> excluded() {
        List<String> out = []
        addFilled(out, script.env.CHANGE_AUTHOR)
        try {
            List sets = script.currentBuild.changeSets == null ? [] : (List) script.currentBuild.changeSets
            for (int i = 0; i < sets.size(); i++) {
                List items = sets[i].items == null ? [] : sets[i].items as List
                for (int j = 0; j < items.size(); j++) {
                    addFilled(out, items[j].author?.id)
                }
            }
            List causes = (List) script.currentBuild.getBuildCauses(USER_CAUSE)
            for (int i = 0; i < causes.size(); i++) {
                addFilled(out, ((Map) causes[i]).userId)
            }
        } catch (MissingMethodException e) { // no change log or causes: a Jenkins too old to give them
            script.echo('[mlPipeline] this Jenkins does not say who wrote or started the build (' + e.method +
                    '); the approver is checked against the pull request\'s author only')
        }
        return out
    }

    /**
     * Asks; returns [by, reason]. Fails the build when the approver wrote the change or started the build (unless
     * `allowSelfApproval`), or gave no reason.
     *
     * @param what [imageDigest, modelVersion] as mlship release resolved them; null values are parts not released
     */
    Map ask(Map o, String envName, Map release, String promoteFrom, Map what, List<String> excluded) {
        Map answer = [:]
        Map shown = [:]
        shown.putAll(release)
        shown.imageDigest = what.imageDigest
        if (what.modelVersion != null) {
            shown.modelVersion = what.modelVersion
        }
        Map args = [message: ReleaseText.approvalQuestion(o, envName, shown, promoteFrom), ok: 'Release',
                    submitterParameter: 'approver',
                    parameters: [script.string(name: REASON, defaultValue: '',
                            description: 'Why this release may go out (recorded with your name and what you approved).')]]
        if (o.approvers != null) {
            args.submitter = o.approvers
        }
        script.timeout(time: o.approvalTimeoutHours, unit: 'HOURS') {
            Object answered = script.input(args)
            answer.by = answered instanceof Map ? ((Map) answered).approver : answered
            answer.reason = answered instanceof Map ? ((Map) answered)[REASON] : null
        }
        String by = filled(answer.by) ? answer.by.toString().trim() : null
        if (by == null) {
            script.error("[mlPipeline] the approval of the release to ${envName} did not say who approved")
        }
        if (o.allowSelfApproval != true && sameAsAny(by, excluded)) {
            script.error("[mlPipeline] ${by} may not approve the release to ${envName}: they wrote the change or " +
                    'started the build, and someone else must look at it (set allowSelfApproval true for a team ' +
                    'too small for that)')
        }
        if (!filled(answer.reason)) {
            script.error("[mlPipeline] the approval of the release to ${envName} by ${by} gave no reason: " +
                    "approve again and fill in ${REASON} (it goes to the release record)")
        }
        return [by: by, reason: answer.reason.toString().trim()]
    }

    private static boolean sameAsAny(String who, List<String> people) {
        for (int i = 0; i < people.size(); i++) {
            if (who.equalsIgnoreCase(people[i])) {
                return true
            }
        }
        return false
    }

    private static void addFilled(List<String> out, Object value) {
        if (filled(value) && !out.contains(value.toString().trim())) {
            out.add(value.toString().trim())
        }
    }

    private static boolean filled(Object value) {
        return value != null && !value.toString().trim().isEmpty()
    }
}
