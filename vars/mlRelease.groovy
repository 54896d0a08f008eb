import io.mlship.jenkins.StepRunner

// Thin on purpose: argument checks, finding the CLI and error messages live in StepRunner;
// parameters are described in resources/io/mlship/steps/mlRelease.json. Publishing the gate's JUnit
// files (result.junitFiles) is the pipeline's job, so a failed release still shows its test results.
def call(args = [:]) {
    return new StepRunner(this).run('mlRelease', args)
}
