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
        return run(new CliContext(), args);
    }

    /** Runs one command with the given console streams (tests run the CLI in-process this way). */
    public static int run(CliContext context, String... args) {
        CommandLine cli = MlshipCommand.commandLine(context, args)
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(new java.io.PrintWriter(context.out(), true))
                .setErr(new java.io.PrintWriter(context.err(), true))
                .setParameterExceptionHandler(new BadParameters(context));
        String[] expanded;
        try {
            expanded = new ParamsFile(context::json).expand(cli, args);
        } catch (CommandLine.ParameterException e) {
            return new BadParameters(context).handleParseException(e, args);
        }
        return cli.execute(expanded);
    }
}
