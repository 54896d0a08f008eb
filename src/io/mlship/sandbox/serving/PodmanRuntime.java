package io.mlship.sandbox.serving;

import io.mlship.sandbox.container.Container;
import io.mlship.sandbox.container.ContainerSpec;
import io.mlship.sandbox.container.Podman;
import io.mlship.sandbox.registry.ImageStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the built image itself with podman (its state under the sandbox's work folder): the tar is loaded once per
 * digest, and each server gets a container on the host network with the request's env, its port variable, and
 * explicit ulimits (see {@link Podman}); the request's command and args replace the image's Entrypoint and Cmd.
 * The image must bring its own Python (e.g. built on the sandbox's offline Python base), since nothing of the host
 * is mounted.
 */
public final class PodmanRuntime implements WorkloadRuntime {
    private static final Pattern EXIT = Pattern.compile("exit code (-?\\d+)");
    private static final int LOG_LINES = 20;
    private static final long STATE_CHECK_NANOS = 500_000_000L;

    private final ImageStore images;
    private final Podman podman;
    private final PrintStream log;
    private final Map<String, String> loaded = new ConcurrentHashMap<>();

    /** Fails, naming the Debian packages, when podman or runc is missing or podman does not work here. */
    public PodmanRuntime(ImageStore images, Path podmanState, PrintStream log) {
        this.images = images;
        this.podman = Podman.inStateDir(podmanState, log);
        this.log = log;
    }

    @Override
    public String name() {
        return "podman";
    }

    @Override
    public boolean has(String image) {
        return images.has(image);
    }

    @Override
    public Workload start(WorkloadRequest request) {
        String digest = ImageStore.digestOf(request.image()).orElseThrow();
        String id = loaded.computeIfAbsent(digest, d -> {
            Path tar = images.find(d).orElseThrow(() -> new IllegalStateException("image " + d + " is not in "
                    + images.dir())).archive();
            log.printf("[sandbox] podman: loading %s%n", tar.getFileName());
            return podman.load(tar);
        });
        ContainerSpec spec = ContainerSpec.builder(id, "mlship-" + request.name())
                .entrypoint(request.command())
                .command(request.args())
                .env(request.env())
                .env(request.portVariable(), Integer.toString(request.port()))
                .env(request.env().containsKey("HOST") ? Map.of() : Map.of("HOST", "127.0.0.1"))
                .build();
        Container container = podman.start(spec);
        log.printf("[sandbox] %s: started container %s on port %d%n", request.name(), container.name(), request.port());
        return new ContainerWorkload(container, request.port());
    }

    @Override
    public void close() {
        // containers are removed by their workloads; loaded images stay in podman's store as a cache
    }

    /** A container; its state is asked of podman at most twice a second. */
    private static final class ContainerWorkload implements Workload {
        private final Container container;
        private final int port;
        private long nextCheck;
        private Exit exit;

        ContainerWorkload(Container container, int port) {
            this.container = container;
            this.port = port;
        }

        @Override
        public int port() {
            return port;
        }

        @Override
        public synchronized Optional<Exit> exit() {
            if (exit == null && System.nanoTime() >= nextCheck) {
                nextCheck = System.nanoTime() + STATE_CHECK_NANOS;
                String state = container.state();
                if (!state.startsWith("running") && !state.startsWith("created") && !state.startsWith("unknown")) {
                    Matcher m = EXIT.matcher(state);
                    exit = new Exit(m.find() ? Integer.parseInt(m.group(1)) : -1, container.lastLines(LOG_LINES).strip());
                }
            }
            return Optional.ofNullable(exit);
        }

        @Override
        public String logLocation() {
            return "podman logs " + container.name();
        }

        @Override
        public void close() {
            container.close();
        }
    }
}
