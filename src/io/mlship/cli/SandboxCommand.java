package io.mlship.cli;

import io.mlship.sandbox.SandboxInfo;
import io.mlship.sandbox.SandboxProcess;
import io.mlship.sandbox.RuntimeKind;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.sandbox.SandboxSummary;
import io.mlship.sandbox.container.Podman;
import io.mlship.sandbox.vertex.ProjectNumbers;
import io.mlship.result.ExitCode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(name = "sandbox", mixinStandardHelpOptions = true, versionProvider = MlshipCommand.Version.class,
        header = "Run local stand-ins for Cloud Storage, Vertex AI and Kubernetes.",
        description = "The embedded sandbox: Cloud Storage (its JSON API over a local folder), a Vertex AI emulator "
                + "(gRPC and REST) and a Kubernetes API whose simulated cluster really runs the images built into its "
                + "images folder, all on loopback, so releases run without a cloud account.",
        subcommands = {SandboxCommand.Up.class, SandboxCommand.Down.class, SandboxCommand.Status.class})
final class SandboxCommand implements Runnable {
    @ParentCommand
    MlshipCommand parent;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(parent.context().err()); // laid out as the rest of the help (HelpLayout)
    }

    abstract static class Sub implements Callable<Integer> {
        @ParentCommand
        SandboxCommand sandbox;

        @Option(names = "--state", paramLabel = "DIR", required = true,
                description = "The sandbox's state folder (buckets, logs, sandbox.json).")
        Path state;

        CliContext context() {
            return sandbox.parent.context();
        }
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            header = "Start the sandbox in the background and print how to reach it.",
            description = "Prints one JSON object {\"vertexGrpc\", \"vertexRest\", \"storageRoot\", "
                    + "\"storageRest\", \"storageHost\", \"kubeconfig\", \"kubeContext\", \"imagesDir\", \"runtime\", "
                    + "\"pid\"}; a readable summary goes to stderr. Already running: prints the same. storageRest is "
                    + "what gcloud's api_endpoint_overrides/storage takes; storageHost what Google's client libraries "
                    + "take (STORAGE_EMULATOR_HOST).")
    static final class Up extends Sub {
        @Option(names = "--runtime", paramLabel = "process|podman",
                description = "How services run the built images: 'process' unpacks the image and runs its command "
                        + "with this machine's programs (python3); 'podman' runs the image itself (Debian packages "
                        + "podman, runc). Default: $" + RuntimeKind.ENV + ", else process.")
        String runtime;

        @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
                description = "How long to wait for the sandbox to be ready. Default: ${DEFAULT-VALUE}.")
        int timeoutSeconds;

        @Override
        public Integer call() throws Exception {
            SandboxStateDir dir = new SandboxStateDir(state);
            RuntimeKind kind;
            try {
                kind = runtime == null ? RuntimeKind.fromEnvironment() : RuntimeKind.parse(runtime);
            } catch (IllegalArgumentException e) {
                context().err().println("[mlship sandbox] --runtime: " + e.getMessage());
                return ExitCode.BAD_INPUT.code();
            }
            if (kind == RuntimeKind.PODMAN && !Podman.installed()) {
                context().err().println("[mlship sandbox] --runtime podman needs podman and runc: install the Debian packages '"
                        + Podman.PACKAGES + "' (bin/setup does), or use --runtime process");
                return ExitCode.BAD_INPUT.code();
            }
            SandboxProcess process = new SandboxProcess(dir);
            Optional<SandboxInfo> running = process.running();
            if (running.isPresent()) {
                context().out().println(SandboxStateDir.toJson(running.get()));
                summary(running.get(), "already running");
                return ExitCode.OK.code();
            }
            Instant started = Instant.now();
            try {
                SandboxInfo info = process.start(kind, Duration.ofSeconds(timeoutSeconds), context().err());
                context().out().println(SandboxStateDir.toJson(info));
                summary(info, "up in " + Duration.between(started, Instant.now()).toMillis() + " ms");
                return ExitCode.OK.code();
            } catch (SandboxProcess.StartFailed e) {
                context().err().println("[mlship sandbox] " + e.getMessage());
                return ExitCode.INFRASTRUCTURE.code();
            }
        }

        private void summary(SandboxInfo info, String how) {
            context().err().print(SandboxSummary.of(info, state, how));
            context().err().flush();
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, header = "Stop the sandbox started with the same --state.")
    static final class Down extends Sub {
        @Override
        public Integer call() throws Exception {
            SandboxStateDir dir = new SandboxStateDir(state);
            Optional<Long> stopped = new SandboxProcess(dir).stop();
            context().err().println(stopped.map(pid -> "[mlship sandbox] stopped (pid " + pid + ")")
                    .orElse("[mlship sandbox] not running in " + dir.dir()));
            return ExitCode.OK.code();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            header = "Print the running sandbox's JSON object.",
            description = "Prints what mlship sandbox up printed when it started; exit 3 when it is not running.")
    static final class Status extends Sub {
        @Option(names = "--project", paramLabel = "ID", description = "Also print the number the Vertex AI emulator "
                + "names this project by in resource names (projects/NUMBER/…), as Vertex AI does. Repeatable.")
        List<String> projects;

        @Override
        public Integer call() throws Exception {
            Optional<SandboxInfo> info = new SandboxProcess(new SandboxStateDir(state)).running();
            if (info.isEmpty()) {
                context().err().println("[mlship sandbox] not running in " + state);
                return ExitCode.INFRASTRUCTURE.code();
            }
            context().out().println(SandboxStateDir.toJson(info.get()));
            if (projects != null) {
                projects.forEach(p -> context().err().println("[mlship sandbox] project " + p + " is projects/"
                        + ProjectNumbers.of(p) + " in Vertex AI's names"));
            }
            return ExitCode.OK.code();
        }
    }
}
