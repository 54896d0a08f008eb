import io.mlship.jenkins.StepRunner

// Thin on purpose: the CLI reads the journal and prints the table on the console; the rows come back in the
// result. Parameters are described in resources/io/mlship/steps/mlHistory.json.
def call(args = [:]) {
    return new StepRunner(this).run('mlHistory', args)
}
