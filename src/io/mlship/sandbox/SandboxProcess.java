package io.mlship.sandbox;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The sandbox as a background process of its own: started with this JVM and class path, ready when it writes its
 * {@code sandbox.json}, stopped by its pid. Its output goes to the state folder's log.
 */
public final class SandboxProcess {
    private final SandboxStateDir dir;

    public SandboxProcess(SandboxStateDir dir) {
        this.dir = dir;
    }

    /** The sandbox running in this state folder, if its process is alive. */
    public Optional<SandboxInfo> running() throws IOException {
        return dir.read().filter(SandboxProcess::alive);
    }

    /** Why a start did not finish: the process exited, or was not ready in time. */
    public static final class StartFailed extends Exception {
        StartFailed(String message) {
            super(message);
        }
    }

    /** Starts the sandbox and waits until it is ready. */
    public SandboxInfo start(RuntimeKind runtime, Duration timeout, PrintStream log)
            throws IOException, InterruptedException, StartFailed {
        dir.clear();
        Files.createDirectories(dir.dir());
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), SandboxMain.class.getName(), dir.dir().toString(),
                "--runtime=" + runtime.label()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.logFile().toFile())).start();
        Instant deadline = Instant.now().plus(timeout);
        log.println("[mlship sandbox] starting (pid " + p.pid() + "), waiting for " + dir.infoFile());
        while (true) {
            Optional<SandboxInfo> info = readQuietly();
            if (info.isPresent() && info.get().pid() != null && info.get().pid() == p.pid()) {
                return info.get();
            }
            if (!p.isAlive()) {
                throw new StartFailed("the sandbox process exited with " + p.exitValue() + "; see " + dir.logFile());
            }
            if (Instant.now().isAfter(deadline)) {
                p.destroy();
                throw new StartFailed("not ready after " + timeout.toSeconds() + "s; see " + dir.logFile());
            }
            Thread.sleep(100); // the ready signal is a file appearing
        }
    }

    /** Stops the running sandbox (forcibly after 20 s); empty when none was running. */
    public Optional<Long> stop() throws IOException, InterruptedException, ExecutionException {
        Optional<SandboxInfo> info = running();
        if (info.isEmpty()) {
            dir.clear();
            return Optional.empty();
        }
        ProcessHandle handle = ProcessHandle.of(info.get().pid()).orElseThrow();
        handle.destroy();
        try {
            handle.onExit().get(20, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            handle.destroyForcibly();
        }
        dir.clear();
        return Optional.of(info.get().pid());
    }

    private static boolean alive(SandboxInfo info) {
        return info.pid() != null && ProcessHandle.of(info.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    private Optional<SandboxInfo> readQuietly() {
        try {
            return dir.read();
        } catch (IOException e) {
            return Optional.empty(); // written as it is read: the next look sees it whole
        }
    }
}
