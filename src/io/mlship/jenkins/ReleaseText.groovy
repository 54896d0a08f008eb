package io.mlship.jenkins

/** What a person reads about a release: the approval question and the build description line. */
class ReleaseText implements Serializable {
    private static final long serialVersionUID = 1L

    /**
     * `Release image sha256:4f5e6d7c8b9a and model v3 (canary 5%) to prod?` — only the parts this repository
     * releases, and the canary share the release will use.
     */
    static String approvalQuestion(Map o, String envName, Map release) {
        List<String> what = []
        if (!PipelineOptions.skips(o, 'service')) {
            what.add(release.imageDigest != null ? 'image ' + shortDigest((String) release.imageDigest) : 'the service')
        }
        String model = (String) (release.modelVersion ?: release.artifacts)
        if (model != null) {
            Object canary = release.canary != null ? release.canary : PipelineOptions.environmentSettings(o, envName).canary
            what.add('model ' + model + (canary != null ? ' (canary ' + canary + '%)' : ' (the spec\'s canary share)'))
        }
        return 'Release ' + what.join(' and ') + ' to ' + envName + '?'
    }

    /** `prod: sha256:4f5e6d7c8b9a · model v3 (version 3) · approved by alice` */
    static String describe(String envName, Map result, Map args) {
        List parts = [envName + ': ' + (result.imageDigest ? shortDigest((String) result.imageDigest) : 'service unchanged')]
        if (result.modelVersionId != null) {
            String name = args.modelVersion ?: args.artifacts
            parts.add('model ' + (name != null ? name + ' (version ' + result.modelVersionId + ')' : 'version ' + result.modelVersionId))
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
