package io.mlship.cli;

import io.mlship.result.ErrorCategory;
import io.mlship.result.ErrorDetails;
import io.mlship.result.ExitCode;
import io.mlship.result.Problem;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * Wrong options or parameters: exit 2 with the usage, and — because the Jenkins step always reads one —
 * a result file when the call said where results go.
 */
final class BadParameters implements CommandLine.IParameterExceptionHandler {
    private final CliContext context;

    BadParameters(CliContext context) {
        this.context = context;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        context.err().println("[mlship] bad parameters: " + e.getMessage());
        if (cmd != null) {
            CommandLine.UnmatchedArgumentException.printSuggestions(e, context.err());
            context.err().println("  see: " + cmd.getCommandSpec().qualifiedName() + " --help");
        }
        String command = cmd == null || cmd.getCommandSpec().parent() == null ? "mlship" : cmd.getCommandName();
        resultDir(args).ifPresent(dir -> context.resultFile().write(dir, command, context.version(), Instant.now(), 0,
                ExitCode.BAD_INPUT, Map.of(), new ErrorDetails(ErrorCategory.BAD_INPUT.id(), e.getMessage(),
                        "see mlship " + command + " --help for the options", List.<Problem>of())));
        return ExitCode.BAD_INPUT.code();
    }

    private static java.util.Optional<Path> resultDir(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--result-dir=")) {
                return java.util.Optional.of(Path.of(args[i].substring("--result-dir=".length())));
            }
            if (args[i].equals("--result-dir") && i + 1 < args.length) {
                return java.util.Optional.of(Path.of(args[i + 1]));
            }
        }
        return java.util.Optional.empty();
    }
}
