import io.mlship.jenkins.PipelineConfig
import io.mlship.jenkins.PipelineFlow

// The whole pipeline of a DS repository: `mlPipeline { spec 'mlship.yaml' }` or `mlPipeline(spec: 'mlship.yaml')`.
// What each kind of build does is in PipelineFlow; options are described in
// resources/io/mlship/steps/mlPipeline.json.
def call(args = [:]) {
    if (args instanceof Closure) {
        return new PipelineFlow(this, PipelineConfig.fromClosure((Closure) args)).run()
    }
    if (!(args instanceof Map)) {
        error "[mlPipeline] takes a closure (mlPipeline { spec 'mlship.yaml' }) or named options (mlPipeline(spec: 'mlship.yaml')), not a ${args.getClass().getSimpleName()}"
    }
    return new PipelineFlow(this, (Map) args).run()
}
