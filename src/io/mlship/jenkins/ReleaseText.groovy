package io.mlship.jenkins

/** What a person reads about a release: the approval question and the build description line. */
class ReleaseText implements Serializable {
    private static final long serialVersionUID = 1L

    /**
     * `Release image sha256:4f5e6d7c8b9a and model v3 (canary 5%) to prod?` — only the parts this repository
     * releases, and the canary share the release will use. With `promoteFrom` (non-null), a part not given is
     * `the image` / `the model version` `that last passed staging's gate`: the CLI resolves which, after approval.
     */
    static String approvalQuestion(Map o, String envName, Map release, String promoteFrom) {
        List<String> what = []
        List<String> gated = []
        if (!PipelineOptions.skips(o, 'service')) {
            if (release.imageDigest != null) {
                what.add('image ' + shortDigest((String) release.imageDigest))
            } else if (promoteFrom != null) {
                gated.add('the image')
            } else {
                what.add('the service')
            }
        }
        String model = (String) (release.modelVersion ?: release.artifacts)
        Object canary = release.canary != null ? release.canary : PipelineOptions.environmentSettings(o, envName).canary
        String share = canary != null ? ' (canary ' + canary + '%)' : ' (the spec\'s canary share)'
        boolean gatedModel = model == null && promoteFrom != null && !PipelineOptions.skips(o, 'model')
        if (model != null) {
            what.add('model ' + model + share)
        } else if (gatedModel) {
            gated.add('the model version')
        }
        if (!gated.isEmpty()) {
            what.add(gated.join(' and ') + ' that last passed ' + promoteFrom + '\'s gate' + (gatedModel ? share : ''))
        }
        String forced = release.forceUngated == true ? ', even if ' + (what.size() > 1 ? 'they did' : 'it did') + ' not pass ' +
                (promoteFrom != null ? promoteFrom + '\'s gate' : 'the gate') + ' (reason: ' + release.reason + ')' : ''
        // Named parts of a promoteFrom release were checked against its gate verdicts (mlRelease resolveOnly) already.
        String passed = promoteFrom != null && gated.isEmpty() && release.forceUngated != true ?
                ', which passed ' + promoteFrom + '\'s gate,' : ''
        return 'Release ' + what.join(' and ') + passed + ' to ' + envName + forced + '?'
    }

    /** What a promotion from promoteFrom releases, for the log: the parts not overridden by parameters. */
    static String promotedFrom(Map o, String envName, Map release, String promoteFrom) {
        List<String> gated = []
        if (!PipelineOptions.skips(o, 'service') && release.imageDigest == null) {
            gated.add('the image')
        }
        if (!PipelineOptions.skips(o, 'model') && release.modelVersion == null && release.artifacts == null) {
            gated.add('the model version')
        }
        return envName + ' promotes from ' + promoteFrom + ': no image is built; ' + (gated.isEmpty() ?
                'the parameters name what is released' :
                'the release takes ' + gated.join(' and ') + ' that last passed ' + promoteFrom + '\'s gate')
    }

    /** `prod: sha256:4f5e6d7c8b9a · model v3 (version 3) · approved by alice` */
    static String describe(String envName, Map result, Map args) {
        List parts = [envName + ': ' + (result.imageDigest ? shortDigest((String) result.imageDigest) : 'service unchanged')]
        if (result.modelVersionId != null) {
            String name = args.modelVersion ?: args.artifacts
            parts.add('model ' + (name != null ? name + ' (version ' + result.modelVersionId + ')' : 'version ' + result.modelVersionId))
        }
        if (args.forceUngated == true) {
            parts.add('ungated: ' + args.reason)
        }
        if (args.approvedBy != null) {
            parts.add('approved by ' + args.approvedBy)
        }
        return parts.join(' · ')
    }

    static String shortDigest(String digest) {
        return digest != null && digest.length() > 19 ? digest.substring(0, 19) : digest
    }
}
