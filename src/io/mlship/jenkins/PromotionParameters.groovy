package io.mlship.jenkins

/**
 * The build parameters of a promotion. Jenkins starts a build with parameters only when its job declares them,
 * and a Multibranch job's branches are declared by their builds: so every build that runs mlPipeline declares
 * them (empty, and ignored unless filled), and a main branch can be promoted with Build with Parameters.
 */
class PromotionParameters implements Serializable {
    private static final long serialVersionUID = 1L

    static final List<String> NAMES = ['MODEL_VERSION', 'MODEL_ARTIFACTS', 'ENVIRONMENT', 'CANARY', 'IMAGE_DIGEST']

    private final script

    PromotionParameters(script) {
        this.script = script
    }

    void declare(List environments) {
        script.properties([script.parameters([
                script.string(name: 'MODEL_VERSION', defaultValue: '',
                        description: 'Promotion: fills {version} in model.artifacts, e.g. the training run folder (v3). Empty: no promotion.'),
                script.string(name: 'MODEL_ARTIFACTS', defaultValue: '',
                        description: 'Promotion: the trained model folder, gs://bucket/folder/, instead of model.artifacts.'),
                script.choice(name: 'ENVIRONMENT', choices: environments.join('\n'), description: 'Promotion: where to release.'),
                script.string(name: 'CANARY', defaultValue: '',
                        description: 'Promotion: traffic share in percent while the gate runs (empty: the spec\'s canaryPercent).'),
                script.string(name: 'IMAGE_DIGEST', defaultValue: '',
                        description: 'Promotion: release this image (sha256:…) instead of building this commit.'),
        ])])
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

    /** [environment: …, release: [modelVersion, artifacts, canary, imageDigest]] from the parameters, checked. */
    Map read(Map o) {
        List environments = (List) o.promotionEnvironments
        Map p = script.params instanceof Map ? (Map) script.params : [:]
        String envName = filled(p.ENVIRONMENT) ? (String) p.ENVIRONMENT : (String) environments[0]
        if (!environments.contains(envName)) {
            script.error("[mlPipeline] ENVIRONMENT '${envName}' is not one this job releases to (${environments.join(', ')})")
        }
        Map release = [:]
        if (!PipelineOptions.skips(o, 'model')) {
            if (!filledIn(p)) {
                script.error('[mlPipeline] a promotion build needs the MODEL_VERSION or MODEL_ARTIFACTS parameter' +
                        (PipelineOptions.skips(o, 'service') ? ' (the model to release; this repository releases no service)' :
                                ' (or skip \'model\' to release only the service)'))
            }
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
        return [environment: envName, release: release]
    }

    static boolean filled(Object value) {
        return value != null && !value.toString().trim().isEmpty()
    }
}
