package io.mlship.cli;

import io.mlship.kube.connect.ClusterConnector;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

@Command(name = "mlship",
        mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        description = {"ML CI/CD on Google Cloud: build, deploy, promote and gate DS services and models.",
                "",
                "Exit codes: 0 done, 1 gate or rollout failed (rolled back), 2 bad input, 3 infrastructure error, "
                        + "4 rollback failed (a person must look).",
                "",
                "Every command writes <result-dir>/<command>.json (default: .mlship/out next to the spec). "
                        + "mlship COMMAND --help describes a command and its options."})
public final class MlshipCommand implements Runnable {
    /** Every command by name, in the order usage help lists them. */
    static final List<Map.Entry<String, Class<?>>> SUBCOMMANDS = List.of(
            Map.entry("validate", ValidateCommand.class),
            Map.entry("render", RenderCommand.class),
            Map.entry("build", BuildCommand.class),
            Map.entry("deploy", DeployCommand.class),
            Map.entry("smoke", SmokeCommand.class),
            Map.entry("promote", PromoteCommand.class),
            Map.entry("release", ReleaseCommand.class),
            Map.entry("history", HistoryCommand.class),
            Map.entry("sandbox", SandboxCommand.class),
            Map.entry("commits", CommitsCommand.class),
            Map.entry("pr-check", PrCheckCommand.class),
            Map.entry("help", CommandLine.HelpCommand.class));

    /**
     * What a command's first remote call needs that neither its options nor its spec decide, started on a spare
     * thread before either is parsed (see {@link CliContext#warmUp}).
     */
    static final Map<String, CliContext.WarmUp> WARM_UPS = Map.of(
            "build", io.mlship.image.ImageBuilder::warmUp,
            "deploy", ClusterConnector::warmUp,
            "release", ClusterConnector::warmUp);

    private final CliContext context;

    public MlshipCommand(CliContext context) {
        this.context = context;
    }

    public CliContext context() {
        return context;
    }

    /** The command line with every command: for usage help, generated docs and tests. */
    public static CommandLine commandLine(CliContext context) {
        CommandLine cli = new CommandLine(new MlshipCommand(context));
        SUBCOMMANDS.forEach(c -> cli.addSubcommand(c.getKey(), c.getValue()));
        return HelpLayout.apply(cli, context.env());
    }

    /**
     * The command line for one run. picocli reflects on every command it is given, options, mixins and field
     * types included, and a Jenkins step runs exactly one: when the first word of {@code args} is a command,
     * only that one is added, so start-up pays for it alone; {@code --version} alone (every step's check of
     * the CLI) needs none. Anything else (help, a typo to suggest a fix for) gets them all. For a command that
     * reads a spec, the spec loader starts building on a second thread from here (see CliContext), and so does the
     * command's warm-up, if it has one.
     */
    static CommandLine commandLine(CliContext context, String[] args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            return new CommandLine(new MlshipCommand(context));
        }
        String named = Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse(null);
        Map.Entry<String, Class<?>> chosen = SUBCOMMANDS.stream()
                .filter(c -> !c.getKey().equals("help") && c.getKey().equals(named))
                .findFirst().orElse(null);
        if (chosen == null) {
            return commandLine(context);
        }
        if (SpecCommand.class.isAssignableFrom(chosen.getValue())) {
            context.prepareSpecLoader();
        }
        CliContext.WarmUp warmUp = WARM_UPS.get(chosen.getKey());
        if (warmUp != null) {
            context.warmUp(chosen.getKey(), warmUp);
        }
        CommandLine cli = new CommandLine(new MlshipCommand(context));
        cli.addSubcommand(chosen.getKey(), chosen.getValue());
        return HelpLayout.apply(cli, context.env());
    }

    @Override
    public void run() {
        commandLine(context).usage(context.err());
    }

    /** Reads the version the way the Jenkins library does, so both always agree on what this CLI is. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mlship " + new CliContext().version()};
        }
    }
}
