import io.mlship.jenkins.StepRunner

// Thin on purpose: argument checks, finding the CLI and error messages live in StepRunner; parameters are
// described in resources/io/mlship/steps/mlBuildImage.json. Only the build's context is added here:
// pull-request builds (CHANGE_ID set) write a tar and push nothing unless `push` is given, and the commit
// and branch come from the checkout Jenkins made.
def call(args = [:]) {
    args = withBuildContext(args)
    return new StepRunner(this).run('mlBuildImage', args)
}

private Object withBuildContext(Object args) {
    if (args != null && !(args instanceof Map)) {
        return args // StepRunner reports the misuse
    }
    Map given = args == null ? [:] : new LinkedHashMap((Map) args)
    if (!given.containsKey('push')) {
        given.push = !env.CHANGE_ID
    }
    if (!given.containsKey('gitSha') && env.GIT_COMMIT) {
        given.gitSha = env.GIT_COMMIT
    }
    String branch = env.CHANGE_BRANCH ?: env.BRANCH_NAME
    if (!given.containsKey('gitBranch') && branch) {
        given.gitBranch = branch
    }
    return given
}
