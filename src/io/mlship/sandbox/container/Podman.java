package io.mlship.sandbox.container;

import io.mlship.result.MlshipException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs images with podman, rootful and daemonless, with every piece of podman state (images, containers, logs,
 * events, runtime files) under one directory of ours: podman reads only the configuration files written there
 * ({@code CONTAINERS_CONF}, {@code CONTAINERS_STORAGE_CONF}, {@code CONTAINERS_REGISTRIES_CONF}), so the machine's
 * own podman setup is neither used nor touched.
 *
 * <p>What the configuration pins, and why: the {@code vfs} storage driver (works on any file system, even inside
 * another container's overlay; our images are small), the {@code cgroupfs} cgroup manager and the {@code file}
 * events logger (no systemd needed), the {@code runc} runtime, and {@code k8s-file} logs so {@code podman logs}
 * works without journald. Every container gets explicit {@code nofile}/{@code nproc} limits no higher than this
 * process's own: podman's defaults are above them, and without CAP_SYS_RESOURCE runc then fails with "error
 * setting rlimit".
 */
public final class Podman {
    /** The Debian packages this needs; named in every error about a missing tool. */
    public static final String PACKAGES = "podman runc";
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration LOAD = Duration.ofMinutes(3);
    private static final long DEFAULT_LIMIT = 4096;
    private static final int MAX_RUNROOT = 40;
    private static final Pattern LOADED = Pattern.compile("Loaded image(?:\\(s\\))?: *(\\S+)");

    private final Path stateDir;
    private final Map<String, String> env;
    private final PrintStream log;
    private final String executable;

    private Podman(Path stateDir, PrintStream log, String executable) {
        this.stateDir = stateDir;
        this.log = log;
        this.executable = executable;
        this.env = Map.of(
                "CONTAINERS_CONF", stateDir.resolve("containers.conf").toString(),
                "CONTAINERS_STORAGE_CONF", stateDir.resolve("storage.conf").toString(),
                "CONTAINERS_REGISTRIES_CONF", stateDir.resolve("registries.conf").toString());
    }

    /**
     * A podman whose state lives under {@code stateDir} (made if needed). Fails, naming the Debian packages, when
     * podman or runc is not installed or podman cannot work here.
     */
    public static Podman inStateDir(Path stateDir, PrintStream log) {
        return inStateDir(stateDir, log, "podman");
    }

    /** As {@link #inStateDir(Path, PrintStream)} with another podman executable (tests use a missing one). */
    static Podman inStateDir(Path stateDir, PrintStream log, String executable) {
        Path dir = stateDir.toAbsolutePath().normalize();
        Podman podman = new Podman(dir, log, executable);
        podman.requireInstalled();
        podman.writeConfiguration();
        podman.requireWorking();
        return podman;
    }

    /** Whether podman and runc are installed, to choose between running images and running local processes. */
    public static boolean installed() {
        return onPath("podman") && onPath("runc");
    }

    public Path stateDir() {
        return stateDir;
    }

    /** Loads a docker-archive or OCI image tar; returns the image id podman gave it. */
    public String load(Path archive) {
        Exec.Result r = podman(LOAD, "load " + archive.getFileName(), "load", "-q", "-i", archive.toString());
        if (!r.ok()) {
            throw MlshipException.infrastructure("podman could not load " + archive + ": " + r.describe(),
                    "check that the file is a docker-archive or OCI image tar", null);
        }
        Matcher m = LOADED.matcher(r.stdout());
        if (!m.find()) {
            throw MlshipException.infrastructure("podman loaded " + archive + " but did not say as what: "
                    + r.stdout().strip(), "", null);
        }
        String ref = m.group(1).split(",")[0];
        Exec.Result id = podman(QUICK, "look up the image just loaded", "image", "inspect", "--format", "{{.Id}}", ref);
        if (!id.ok()) {
            throw MlshipException.infrastructure("podman cannot find the image it loaded: " + id.describe(), "", null);
        }
        return id.stdout().strip();
    }

    /**
     * Starts a container in the background on the host network and, when the spec has a health URL, waits until
     * it answers 200. The returned container is stopped and removed on close; on a failed start it already is.
     */
    public Container start(ContainerSpec spec) {
        List<String> args = new ArrayList<>(List.of("run", "--detach", "--replace", "--name", spec.name(),
                "--pull=never", "--network=host", "--log-driver=k8s-file",
                "--ulimit", "nofile=" + limit(spec.nofile(), "Max open files"),
                "--ulimit", "nproc=" + limit(spec.nproc(), "Max processes")));
        spec.env().forEach((k, v) -> args.addAll(List.of("--env", k + "=" + v)));
        if (!spec.user().isEmpty()) {
            args.addAll(List.of("--user", spec.user()));
        }
        spec.mounts().forEach((host, inside) -> args.addAll(List.of("--volume", host + ":" + inside + ":ro")));
        if (!spec.entrypoint().isEmpty()) {
            args.addAll(List.of("--entrypoint", jsonArray(spec.entrypoint())));
        }
        args.add(spec.image());
        args.addAll(spec.command());
        long started = System.nanoTime();
        Exec.Result r = podman(QUICK, "start container " + spec.name(), args.toArray(String[]::new));
        if (!r.ok()) {
            remove(spec.name());
            // The command line carries the env's values (Secrets' among them): the message names the variables only.
            Exec.Result shown = new Exec.Result(withoutEnvValues(r.command()), r.exitCode(), r.stdout(), r.stderr());
            throw MlshipException.infrastructure("podman could not start container " + spec.name() + " from "
                    + spec.image() + ": " + shown.describe(), hintFor(r.stderr()), null);
        }
        Container container = new Container(this, spec.name(), r.stdout().strip(), spec, started, log);
        if (spec.healthUrl() != null) {
            try {
                container.awaitReady();
            } catch (RuntimeException e) {
                container.close();
                throw e;
            }
        }
        return container;
    }

    /** podman's exec form of {@code --entrypoint}: a JSON array of strings. */
    private static String jsonArray(List<String> values) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
    }

    /** Runs {@code command} in a fresh container of {@code image} to completion; returns its exit code and output. */
    public Exec.Result runToCompletion(String image, List<String> command, Duration timeout) {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--pull=never", "--network=host",
                "--ulimit", "nofile=" + limit(0, "Max open files"),
                "--ulimit", "nproc=" + limit(0, "Max processes"), image));
        args.addAll(command);
        return podman(timeout, "run " + String.join(" ", command) + " in " + image, args.toArray(String[]::new));
    }

    /**
     * Removes every container and image of this state directory ({@code podman system reset}) and the short run
     * root in /tmp when there is one. The configuration files stay, so the state directory can be deleted after.
     */
    public void reset() {
        Exec.Result r = podman(LOAD, "remove all sandbox containers and images", "system", "reset", "--force");
        if (!r.ok()) {
            throw MlshipException.infrastructure("podman could not reset the sandbox's state under " + stateDir + ": "
                    + r.describe(), "remove the directory by hand once no container of it runs", null);
        }
        Path run = runRoot();
        if (!run.startsWith(stateDir)) {
            try (var files = Files.walk(run)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // already gone
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove podman's run root " + run, e);
            }
        }
    }

    /** Removes images not used by any container, to keep the state directory small. */
    public void pruneImages() {
        podman(LOAD, "remove unused images", "image", "prune", "--all", "--force");
    }

    /** {@code --env NAME=value} arguments as {@code --env NAME=…}. */
    static List<String> withoutEnvValues(List<String> command) {
        List<String> out = new ArrayList<>(command);
        for (int i = 1; i < out.size(); i++) {
            if (out.get(i - 1).equals("--env") && out.get(i).contains("=")) {
                out.set(i, out.get(i).substring(0, out.get(i).indexOf('=') + 1) + "…");
            }
        }
        return out;
    }

    Exec.Result podman(Duration timeout, String purpose, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.addAll(List.of(args));
        return Exec.run(cmd, env, timeout, purpose);
    }

    Exec.Result podmanMerged(Duration timeout, String purpose, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(executable);
        cmd.addAll(List.of(args));
        return Exec.run(cmd, env, timeout, purpose, true);
    }

    void remove(String name) {
        Exec.Result r = podman(QUICK, "stop and remove container " + name, "rm", "--force", "--time", "5", name);
        if (!r.ok() && !r.stderr().contains("no such container")) {
            log.printf("[sandbox] could not remove container %s: %s%n", name, r.describe());
        }
    }

    private void requireInstalled() {
        try {
            Exec.run(List.of(executable, "--version"), Map.of(), QUICK, "check podman");
        } catch (MlshipException e) {
            throw missing("podman is not installed");
        }
        if (!onPath("runc")) {
            throw missing("runc is not installed (podman runs containers here only with runc)");
        }
    }

    private void requireWorking() {
        Exec.Result info = podman(QUICK, "check that podman works", "info", "--format", "{{.Host.OCIRuntime.Name}}");
        if (!info.ok()) {
            throw MlshipException.infrastructure("podman is installed but does not work here: " + info.describe(),
                    "run 'bin/setup' (Debian packages: " + PACKAGES + "); the state is under " + stateDir, null);
        }
    }

    private static MlshipException missing(String what) {
        return MlshipException.infrastructure("running the sandbox's images needs podman and runc: " + what,
                "install the Debian packages '" + PACKAGES + "' (bin/setup does, from bin/packages/sandbox.txt)",
                null);
    }

    private static boolean onPath(String tool) {
        List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        dirs.addAll(List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"));
        return dirs.stream().filter(d -> !d.isEmpty()).map(d -> Path.of(d, tool)).anyMatch(Files::isExecutable);
    }

    private static String hintFor(String stderr) {
        if (stderr.contains("rlimit")) {
            return "the container's ulimits are above what this machine allows; give lower nofile/nproc limits";
        }
        if (stderr.contains("image not known") || stderr.contains("unable to find")) {
            return "load the image first (podman load); the sandbox never pulls";
        }
        return "see the podman error above";
    }

    /** The limit to give as soft:hard: the one asked for, else a modest default, never above this process's. */
    private static String limit(long wanted, String procName) {
        long hard = hardLimit(procName);
        long value = wanted > 0 ? wanted : Math.min(DEFAULT_LIMIT, hard);
        return value + ":" + value;
    }

    private static long hardLimit(String name) {
        Path limits = Path.of("/proc/self/limits");
        try {
            for (String line : Files.readAllLines(limits, StandardCharsets.UTF_8)) {
                if (line.startsWith(name)) {
                    String[] f = line.substring(name.length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: not Linux, or an unexpected format
        }
        return DEFAULT_LIMIT;
    }

    /**
     * Where podman keeps its transient runtime files. Podman 4.3 with conmon 2.1 waits 20 s for every container to
     * exit ("Exceeded conmon timeout") when this path is longer than about 45 characters, and it resolves symbolic
     * links, so a deep state directory gets a short one in /tmp, named after it (and recorded in it).
     */
    public Path runRoot() {
        Path inside = stateDir.resolve("run");
        if (inside.toString().length() <= MAX_RUNROOT) {
            return inside;
        }
        String hash = HexFormat.of().formatHex(LayerBuilder.sha256().digest(
                stateDir.toString().getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        return Path.of("/tmp", "mlship-podman-" + hash);
    }

    private void writeConfiguration() {
        String dir = stateDir.toString();
        try {
            for (String sub : List.of("storage", "tmp", "volumes", "networks")) {
                Files.createDirectories(stateDir.resolve(sub));
            }
            Files.createDirectories(runRoot());
            write("runroot.path", runRoot() + "\n");
            write("storage.conf", """
                    # Written by mlship: the sandbox's own podman storage.
                    [storage]
                    driver = "vfs"
                    graphroot = %s
                    runroot = %s
                    """.formatted(toml(dir + "/storage"), toml(runRoot().toString())));
            write("containers.conf", """
                    # Written by mlship: the sandbox's own podman engine settings.
                    [containers]
                    log_driver = "k8s-file"

                    [engine]
                    cgroup_manager = "cgroupfs"
                    events_logger = "file"
                    runtime = "runc"
                    tmp_dir = %s
                    volume_path = %s

                    [network]
                    network_config_dir = %s
                    """.formatted(toml(dir + "/tmp"), toml(dir + "/volumes"), toml(dir + "/networks")));
            // No search registries: short names never resolve to anything remote, and nothing is ever pulled.
            write("registries.conf", """
                    # Written by mlship: the sandbox only runs images it loaded itself.
                    unqualified-search-registries = []
                    """);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write podman configuration under " + stateDir, e);
        }
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(stateDir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static String toml(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
