package io.mlship.cli;

import java.util.Map;
import java.util.Set;

/**
 * Options of other tools that mlship's messages, hints, command lines and docs name, by tool. A text may name one
 * of these only after naming the tool (e.g. "kubectl rollout status … --timeout=60s"), or in a file about the tool
 * ({@link #FILES_ABOUT}); anything else it names must be an mlship option. Add
 * an option here only when the tool really has it.
 */
final class OtherTools {
    static final Map<String, Set<String>> OPTIONS = Map.of(
            // kubectl against the sandbox (docs/SANDBOX-KUBECTL.md, README) and the deployer's raw API reads
            "kubectl", Set.of("--raw", "--server-side", "--dry-run", "--show-managed-fields", "--timeout", "--for",
                    "--force-conflicts", "--context", "--kubeconfig", "--namespace"),
            // gcloud: cluster credentials (ClusterRef), IAM set-up (docs/PERMISSIONS.md), the training trigger's
            // Cloud Function (docs/training-trigger.md)
            "gcloud", Set.of("--location", "--project", "--member", "--role", "--file", "--gen2", "--runtime",
                    "--region", "--source", "--entry-point", "--trigger-event-filters", "--trigger-bucket",
                    "--set-env-vars", "--set-secrets", "--vpc-connector", "--retry", "--quiet"),
            // git: the commit range (GitLog), the build's provenance (GitInfo), fetching a PR's target branch
            "git", Set.of("--no-merges", "--reverse", "--format", "--no-tags", "--abbrev-ref", "--get"),
            // pip: installing image.python.requirements for the image's Python and platform (PipInstall, PythonTarget)
            "pip", Set.of("--no-compile", "--disable-pip-version-check", "--no-input", "--no-index", "--find-links",
                    "--implementation", "--python-version", "--only-binary", "--platform", "--target"),
            // podman: the sandbox's container runtime (Podman, Container, docs/SANDBOX-CONTAINERS.md)
            "podman", Set.of("--tail", "--format", "--time", "--detach", "--replace", "--name", "--pull", "--network",
                    "--log-driver", "--ulimit", "--user", "--volume", "--entrypoint", "--rm", "--force", "--all",
                    "--version", "--env"),
            // dpkg: the agent's Debian architecture (HostPackages)
            "dpkg", Set.of("--print-architecture"),
            // curl: the Jenkins library fetching the CLI jar (CliScripts), the example uploading training output
            "curl", Set.of("--max-time", "--retry", "--data-binary"),
            // the example's training script (examples/reco-service/training/train.py, its argparse options)
            "training/train.py", Set.of("--data", "--out", "--version", "--eval", "--limit", "--created-at", "--broken"),
            // this repository's benchmark harness (README)
            "bench/run", Set.of("--quick"),
            // the launchers' recorder of the class-data-sharing archive, which they run before the CLI
            "io.mlship.launch.ArchiveRecorder", Set.of("--java", "--remove-older-than", "--remove-after-days"));

    /**
     * Sources and docs about a tool even where a text does not name it, by path suffix: code that runs it with its
     * name in a variable (a configured executable), docs whose tables and notes discuss its options.
     */
    static final Map<String, String> FILES_ABOUT = Map.ofEntries(
            Map.entry("io/mlship/sandbox/container/Podman.java", "podman"),
            Map.entry("io/mlship/sandbox/container/Container.java", "podman"),
            Map.entry("docs/SANDBOX-CONTAINERS.md", "podman"),
            Map.entry("docs/SANDBOX-KUBECTL.md", "kubectl"),
            Map.entry("io/mlship/image/PipInstall.java", "pip"),
            Map.entry("io/mlship/image/PythonTarget.java", "pip"),
            Map.entry("io/mlship/commits/GitLog.java", "git"),
            Map.entry("io/mlship/launch/ArchiveRecorder.java", "io.mlship.launch.ArchiveRecorder"),
            Map.entry("io/mlship/image/GitInfo.java", "git"),
            Map.entry("docs/training-trigger.md", "gcloud"),
            Map.entry("bin/example-release", "gcloud"), // through sandbox_gcloud, gcloud pointed at the sandbox
            Map.entry("examples/reco-service/README.md", "training/train.py"));

    private OtherTools() {
    }
}
