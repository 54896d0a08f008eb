package io.mlship.sandbox.serving;

import io.mlship.sandbox.container.ImageConfig;
import io.mlship.sandbox.container.OciArchive;
import io.mlship.sandbox.container.RootFs;
import io.mlship.sandbox.registry.ImageStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs an image without a container engine: its layers are unpacked once per digest into
 * {@code RUN/<digest>/rootfs}, and its Entrypoint + Cmd (or the request's command and args) run as a local process
 * with the image's Env, the request's env and the port variable. Programs are the host's (an image's
 * {@code python3} is this machine's python3), so images built on {@code scratch} run as well as ones with a Python
 * base.
 *
 * <p>Absolute paths in the environment, the arguments and WorkingDir are container paths; they are mapped to the
 * unpacked root when the image has them (PYTHONPATH=/app/src → RUN/…/rootfs/app/src), else to where the image would
 * have had them when the image has that tree (so a missing model folder fails as it would in a pod). Values that are
 * not paths into the image ({@code /predict}, URLs, {@code /tmp}) are left alone. Nothing of the host is mounted:
 * what runs is what the image holds. The image's PATH is not used: programs come from the host.
 */
public final class ProcessRuntime implements WorkloadRuntime {
    private static final int LOG_LINES = 20;

    private final ImageStore images;
    private final Path runDir;
    private final PrintStream log;

    /** {@code runDir}: unpacked images and server logs. */
    public ProcessRuntime(ImageStore images, Path runDir, PrintStream log) {
        this.images = images;
        this.runDir = runDir;
        this.log = log;
    }

    @Override
    public String name() {
        return "process";
    }

    @Override
    public boolean has(String image) {
        return images.has(image);
    }

    @Override
    public Workload start(WorkloadRequest request) throws IOException {
        String digest = ImageStore.digestOf(request.image()).orElseThrow();
        OciArchive.Contents image = images.find(digest).orElseThrow(() -> new IOException("image " + digest
                + " is not in " + images.dir()));
        Path imageDir = runDir.resolve(digest.replace(':', '-'));
        long started = System.nanoTime();
        Path rootfs = RootFs.ensure(image, imageDir.resolve("rootfs"));
        PathMapper paths = new PathMapper(rootfs);
        ImageConfig config = image.config();
        List<String> command = request.commandLine(config.entrypoint(), config.cmd());
        if (command.isEmpty()) {
            throw new IOException("image " + digest + " has neither Entrypoint nor Cmd, and no command was given: nothing to run");
        }
        command.set(0, paths.program(command.get(0)));
        for (int i = 1; i < command.size(); i++) {
            command.set(i, paths.value(command.get(i)));
        }
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        config.env().forEach((k, v) -> {
            if (!k.equals("PATH")) {
                env.put(k, paths.value(v));
            }
        });
        request.env().forEach((k, v) -> env.put(k, paths.value(v)));
        env.put(request.portVariable(), Integer.toString(request.port()));
        env.putIfAbsent("HOST", "127.0.0.1"); // loopback only: the sandbox serves this machine, not the network
        Path workDir = config.workingDir().isEmpty() ? rootfs : Path.of(paths.value(config.workingDir()));
        Files.createDirectories(workDir);
        pb.directory(workDir.toFile());
        Path logFile = imageDir.resolve(request.name() + ".log");
        Files.createDirectories(logFile.getParent());
        pb.redirectErrorStream(true).redirectOutput(logFile.toFile());
        Process process = pb.start();
        log.printf("[sandbox] %s: started %s (pid %d) on port %d in %d ms, log %s%n", request.name(),
                String.join(" ", command), process.pid(), request.port(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logFile);
        return new LocalWorkload(process, request.port(), logFile);
    }

    @Override
    public void close() {
        // the workloads are closed by their owners; unpacked images stay as a cache for the next start
    }

    /** Last {@code n} lines of a log file, or a note why there are none. */
    static String tail(Path file, int n) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size())).strip();
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private record LocalWorkload(Process process, int port, Path logFile) implements Workload {
        @Override
        public Optional<Exit> exit() {
            if (process.isAlive()) {
                return Optional.empty();
            }
            return Optional.of(new Exit(process.exitValue(), tail(logFile, LOG_LINES)));
        }

        @Override
        public String logLocation() {
            return logFile.toString();
        }

        /** SIGTERM (the server drains), SIGKILL after 5 s; children first so none is left behind. */
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Container paths → host paths, for one unpacked image. */
    record PathMapper(Path rootfs) {
        /** The program to run: a script the image holds by path runs from there; anything else is the host's. */
        String program(String argv0) {
            if (argv0.startsWith("/")) {
                Path inImage = inImage(argv0);
                if (Files.isRegularFile(inImage) && !elf(inImage)) {
                    return inImage.toString();
                }
                return Path.of(argv0).getFileName().toString();
            }
            return argv0;
        }

        /** A value with container paths mapped: one path, or a colon-separated list of them (PYTHONPATH). */
        String value(String v) {
            if (!v.startsWith("/")) {
                return v;
            }
            String[] parts = v.split(":", -1);
            if (!Arrays.stream(parts).allMatch(p -> p.isEmpty() || p.startsWith("/"))) {
                return v;
            }
            return String.join(":", Arrays.stream(parts).map(p -> p.isEmpty() ? p : path(p)).toList());
        }

        private String path(String p) {
            Path inImage = inImage(p);
            if (Files.exists(inImage)) {
                return inImage.toString();
            }
            String first = p.substring(1).split("/", 2)[0];
            if (!first.isEmpty() && Files.exists(rootfs.resolve(first))) {
                return inImage.toString(); // the image has that tree but not this path: fail where a pod would
            }
            return p; // not a path into the image (a route like /predict)
        }

        private Path inImage(String p) {
            Path resolved = rootfs.resolve(p.substring(1)).normalize();
            return resolved.startsWith(rootfs) ? resolved : rootfs;
        }

        private static boolean elf(Path file) {
            try (var in = Files.newInputStream(file)) {
                byte[] magic = in.readNBytes(4);
                return magic.length == 4 && magic[0] == 0x7f && magic[1] == 'E' && magic[2] == 'L' && magic[3] == 'F';
            } catch (IOException e) {
                return false;
            }
        }
    }
}
