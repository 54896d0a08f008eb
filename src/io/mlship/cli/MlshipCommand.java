package io.mlship.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "mlship",
        mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        description = {"ML CI/CD on Google Cloud: build, deploy, promote and gate DS services and models.",
                "",
                "Exit codes: 0 done, 1 gate or rollout failed (rolled back), 2 bad input,",
                "3 infrastructure error, 4 rollback failed (a person must look).",
                "Every command writes <result-dir>/<command>.json (default: .mlship/out next to the spec)."},
        subcommands = {
            ValidateCommand.class,
            RenderCommand.class,
            BuildCommand.class,
            DeployCommand.class,
            SmokeCommand.class,
            PromoteCommand.class,
            ReleaseCommand.class,
            SandboxCommand.class,
            CommitsCommand.class,
            picocli.CommandLine.HelpCommand.class,
        })
public final class MlshipCommand implements Runnable {
    private final CliContext context;

    public MlshipCommand(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(context.err());
    }

    /** Reads the version the way the Jenkins library does, so both always agree on what this CLI is. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mlship " + new CliContext().version()};
        }
    }
}
