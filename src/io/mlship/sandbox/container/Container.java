package io.mlship.sandbox.container;

import io.mlship.result.MlshipException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.util.List;

/** A container started by {@link Podman}; closing it stops and removes it. */
public final class Container implements AutoCloseable {
    private static final Duration QUICK = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int LOG_LINES = 40;

    private final Podman podman;
    private final String name;
    private final String id;
    private final ContainerSpec spec;
    private final long startedNanos;
    private final PrintStream log;
    private Duration readyAfter;
    private boolean closed;
    private Integer exitCode;

    Container(Podman podman, String name, String id, ContainerSpec spec, long startedNanos, PrintStream log) {
        this.podman = podman;
        this.name = name;
        this.id = id;
        this.spec = spec;
        this.startedNanos = startedNanos;
        this.log = log;
    }

    public String name() {
        return name;
    }

    public String id() {
        return id;
    }

    /** From {@code podman run} to the first 200 from the health URL; null when there is none or not yet. */
    public Duration readyAfter() {
        return readyAfter;
    }

    /** The container's output so far, stdout and stderr interleaved (the last lines when {@code tail} > 0). */
    public String logs(int tail) {
        Exec.Result r = tail > 0
                ? podman.podmanMerged(QUICK, "read the logs of " + name, "logs", "--tail", String.valueOf(tail), name)
                : podman.podmanMerged(QUICK, "read the logs of " + name, "logs", name);
        return r.ok() ? r.stdout() : "(no logs: " + r.describe() + ")";
    }

    /**
     * The last {@code n} lines the container wrote, as it wrote them: the k8s-file log keeps a line written in
     * several pieces (Python writes an exception's name and its message separately) as partial records, which
     * {@code podman logs} prints as separate lines; here they are joined again.
     */
    public String lastLines(int n) {
        Exec.Result path = podman.podman(QUICK, "find the log file of " + name, "container", "inspect", "--format",
                "{{.LogPath}}", name);
        java.nio.file.Path file = path.ok() ? java.nio.file.Path.of(path.stdout().strip()) : null;
        if (file == null || !java.nio.file.Files.isReadable(file)) {
            return logs(n);
        }
        try {
            java.util.Deque<String> lines = new java.util.ArrayDeque<>();
            StringBuilder partial = new StringBuilder();
            for (String record : java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8)) {
                String[] f = record.split(" ", 4); // timestamp, stream, P(artial) or F(ull), text
                if (f.length < 3) {
                    continue;
                }
                partial.append(f.length == 4 ? f[3] : "");
                if (!"P".equals(f[2])) {
                    lines.addLast(partial.toString());
                    partial.setLength(0);
                    if (lines.size() > n) {
                        lines.removeFirst();
                    }
                }
            }
            if (partial.length() > 0) {
                lines.addLast(partial.toString());
            }
            return String.join("\n", lines);
        } catch (IOException e) {
            return logs(n);
        }
    }

    /** The status podman reports ("running", "exited", "stopped" …) and the exit code, e.g. "exited, exit code 1". */
    public String state() {
        Exec.Result r = podman.podman(QUICK, "read the state of " + name, "container", "inspect", "--format",
                "{{.State.Status}}, exit code {{.State.ExitCode}}", name);
        return r.ok() ? r.stdout().strip() : "unknown (" + r.describe() + ")";
    }

    /** Polls the spec's health URL until it answers 200; fails with the container's last log lines. */
    void awaitReady() {
        URI url = spec.healthUrl();
        log.printf("[sandbox] waiting up to %ds for %s (container %s) to answer 200%n",
                spec.readyTimeout().toSeconds(), url, name);
        long deadline = startedNanos + spec.readyTimeout().toNanos();
        long nextStateCheck = System.nanoTime();
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            try {
                int status = probe(url);
                if (status == 200) {
                    readyAfter = Duration.ofNanos(System.nanoTime() - startedNanos);
                    log.printf("[sandbox] container %s ready after %d ms%n", name, readyAfter.toMillis());
                    return;
                }
                last = "HTTP " + status;
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            // A crashed server never answers: look at the container about once a second, not only at the end.
            if (System.nanoTime() >= nextStateCheck) {
                String state = state();
                if (!state.startsWith("running") && !state.startsWith("created")) {
                    throw failed("container " + name + " stopped (" + state + ") before " + url + " answered 200");
                }
                nextStateCheck = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            }
            pause();
        }
        throw failed("container " + name + " did not answer 200 on " + url + " within "
                + spec.readyTimeout().toSeconds() + "s (last: " + last + ")");
    }

    /**
     * One GET on a connection of its own that is closed afterwards: an idle keep-alive connection left open by a
     * probe would hold up the server's graceful shutdown when the container is stopped.
     */
    private static int probe(URI url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        try {
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            c.setRequestProperty("Connection", "close");
            c.setUseCaches(false);
            int status = c.getResponseCode();
            try (var body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (body != null) {
                    body.readAllBytes();
                }
            }
            return status;
        } finally {
            c.disconnect();
        }
    }

    private MlshipException failed(String message) {
        String tail = logs(LOG_LINES).strip();
        return MlshipException.infrastructure(message + (tail.isEmpty() ? "; it wrote no logs"
                        : "; its last log lines:\n" + tail),
                "image " + spec.image() + "; the logs above say why it did not start", null);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis()); // polling interval of the health URL: there is no event to wait on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MlshipException.infrastructure("interrupted while waiting for a container", "", e);
        }
    }

    /**
     * Stops the container (SIGTERM, then SIGKILL after 5 s), notes how it exited, and removes it; safe to call twice.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Exec.Result stop = podman.podman(QUICK, "stop container " + name, "stop", "--time", "5", name);
            if (stop.ok()) {
                Exec.Result code = podman.podman(QUICK, "read the exit code of " + name, "container", "inspect",
                        "--format", "{{.State.ExitCode}}", name);
                exitCode = code.ok() ? Integer.valueOf(code.stdout().strip()) : null;
            }
        } catch (RuntimeException e) {
            log.printf("[sandbox] could not stop container %s: %s%n", name, e.getMessage());
        } finally {
            podman.remove(name);
        }
    }

    /** How the container exited when closed: 0 for a graceful stop, 137 when it had to be killed; null before. */
    public Integer exitCode() {
        return exitCode;
    }

    @Override
    public String toString() {
        return "container " + name + " (" + spec.image() + ")" + (readyAfter == null ? ""
                : " ready after " + readyAfter.toMillis() + " ms") + (spec.command().isEmpty() ? ""
                : " " + List.copyOf(spec.command()));
    }
}
