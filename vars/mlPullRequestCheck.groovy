import io.mlship.jenkins.StepRunner

// Thin on purpose: argument checks, finding the CLI and error messages live in StepRunner;
// parameters are described in resources/io/mlship/steps/mlPullRequestCheck.json.
def call(args = [:]) {
    return new StepRunner(this).run('mlPullRequestCheck', args)
}
