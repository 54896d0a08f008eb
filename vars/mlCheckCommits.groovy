import io.mlship.jenkins.StepRunner

// Thin on purpose: the check itself is `mlship commits` (Java); parameters are described in
// resources/io/mlship/steps/mlCheckCommits.json.
def call(args = [:]) {
    return new StepRunner(this).run('mlCheckCommits', args)
}
