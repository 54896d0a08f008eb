package io.mlship.cli;

import picocli.CommandLine;

/** Entry point of the {@code mlship} CLI. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command and returns its exit code (see {@link io.mlship.result.ExitCode}). */
    public static int run(String... args) {
        MlshipCommand root = new MlshipCommand(new CliContext());
        CommandLine cli = new CommandLine(root)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setParameterExceptionHandler(new BadParameters(root.context()));
        String[] expanded;
        try {
            expanded = new ParamsFile(root.context().json()).expand(cli, args);
        } catch (CommandLine.ParameterException e) {
            return new BadParameters(root.context()).handleParseException(e, args);
        }
        return cli.execute(expanded);
    }
}
