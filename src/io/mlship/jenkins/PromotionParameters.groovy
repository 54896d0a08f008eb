package io.mlship.jenkins

/**
 * The build parameters of a promotion. Jenkins starts a build with parameters only when its job declares them,
 * and a Multibranch job's branches are declared by their builds: so every build that runs mlPipeline declares
 * them (empty, and ignored unless filled), and a main branch can be promoted with Build with Parameters.
 * Where the environment has `promoteFrom` in the spec, the model and the image are optional overrides: left empty,
 * the release takes what last passed that environment's gate.
 */
class PromotionParameters implements Serializable {
    private static final long serialVersionUID = 1L

    static final List<String> NAMES = ['MODEL_VERSION', 'MODEL_ARTIFACTS', 'ENVIRONMENT', 'CANARY', 'IMAGE_DIGEST',
                                       'FORCE_UNGATED_REASON']

    private final script

    PromotionParameters(script) {
        this.script = script
    }

    /**
     * Declares the parameters; with {@code abortPrevious} (pull-request builds) also that a new build aborts the one
     * still running for a superseded commit. One properties call: each call replaces the job's properties.
     */
    void declare(List environments, boolean abortPrevious) {
        List properties = [script.parameters([
                script.string(name: 'MODEL_VERSION', defaultValue: '',
                        description: 'Promotion: fills {version} in model.artifacts, e.g. the training run folder (v3). ' +
                                'Empty: no promotion, or, where the environment has promoteFrom, the model version that last passed its gate.'),
                script.string(name: 'MODEL_ARTIFACTS', defaultValue: '',
                        description: 'Promotion: the trained model folder, gs://bucket/folder/, instead of model.artifacts.'),
                script.choice(name: 'ENVIRONMENT', choices: environments.join('\n'), description: 'Promotion: where to release.'),
                script.string(name: 'CANARY', defaultValue: '',
                        description: 'Promotion: traffic share in percent while the gate runs (empty: the spec\'s canaryPercent).'),
                script.string(name: 'IMAGE_DIGEST', defaultValue: '',
                        description: 'Promotion: release this image (sha256:…) instead of building this commit, or, where ' +
                                'the environment has promoteFrom, instead of the image that last passed its gate.'),
                script.string(name: 'FORCE_UNGATED_REASON', defaultValue: '',
                        description: 'Promotion: why the image or model may go out without having passed the gate of the ' +
                                'environment\'s promoteFrom (passed to mlship release as --reason). Empty: only what passed is released.'),
        ])]
        if (abortPrevious) {
            properties.add(script.disableConcurrentBuilds(abortPrevious: true))
        }
        script.properties(properties)
    }

    /** The first build of a job: Jenkins did not know its parameters yet, so nobody could fill them. */
    boolean firstBuild() {
        Map params = script.params instanceof Map ? (Map) script.params : [:]
        for (int i = 0; i < NAMES.size(); i++) {
            if (params.containsKey(NAMES[i])) {
                return false
            }
        }
        return true
    }

    /** True when the build was started to promote (a model named). */
    static boolean filledIn(params) {
        return filled(params?.MODEL_VERSION) || filled(params?.MODEL_ARTIFACTS)
    }

    /**
     * [environment: …, release: [modelVersion, artifacts, canary, imageDigest, forceUngated, reason]] from the
     * parameters, checked. Whether a model must be named depends on the spec: see requireModel.
     */
    Map read(Map o) {
        List environments = (List) o.promotionEnvironments
        Map p = script.params instanceof Map ? (Map) script.params : [:]
        String envName = filled(p.ENVIRONMENT) ? (String) p.ENVIRONMENT : (String) environments[0]
        if (!environments.contains(envName)) {
            script.error("[mlPipeline] ENVIRONMENT '${envName}' is not one this job releases to (${environments.join(', ')})")
        }
        Map release = [:]
        if (!PipelineOptions.skips(o, 'model')) {
            release.modelVersion = filled(p.MODEL_VERSION) ? p.MODEL_VERSION.toString() : null
            release.artifacts = filled(p.MODEL_ARTIFACTS) ? p.MODEL_ARTIFACTS.toString() : null
        }
        if (filled(p.CANARY)) {
            String text = p.CANARY.toString().trim()
            if (!(text ==~ /\d{1,3}/) || Integer.parseInt(text) > 100) {
                script.error("[mlPipeline] CANARY '${text}' is not a percentage 0-100")
            }
            release.canary = Integer.parseInt(text)
        }
        if (filled(p.IMAGE_DIGEST)) {
            release.imageDigest = p.IMAGE_DIGEST.toString().trim()
        }
        if (filled(p.FORCE_UNGATED_REASON)) {
            release.forceUngated = true
            release.reason = p.FORCE_UNGATED_REASON.toString().trim()
        }
        return [environment: envName, release: release]
    }

    /**
     * A promotion names its model, unless the repository releases none or the environment has `promoteFrom`
     * (then an empty MODEL_VERSION means the version that last passed that environment's gate).
     */
    static void requireModel(script, Map o, String envName, Map release, String promoteFrom) {
        if (PipelineOptions.skips(o, 'model') || promoteFrom != null || release.modelVersion != null || release.artifacts != null) {
            return
        }
        script.error('[mlPipeline] a promotion build needs the MODEL_VERSION or MODEL_ARTIFACTS parameter' +
                (PipelineOptions.skips(o, 'service') ? ' (the model to release; this repository releases no service)' :
                        ' (or skip \'model\' to release only the service)') +
                ', unless mlship.yaml gives ' + envName + ' promoteFrom: then an empty MODEL_VERSION releases what last ' +
                'passed that environment\'s gate')
    }

    static boolean filled(Object value) {
        return value != null && !value.toString().trim().isEmpty()
    }
}
