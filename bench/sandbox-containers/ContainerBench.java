import io.mlship.sandbox.container.Container;
import io.mlship.sandbox.container.ContainerSpec;
import io.mlship.sandbox.container.DockerArchive;
import io.mlship.sandbox.container.ImageConfig;
import io.mlship.sandbox.container.Layer;
import io.mlship.sandbox.container.LayerBuilder;
import io.mlship.sandbox.container.Podman;
import io.mlship.sandbox.container.PythonBaseImage;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sandbox's container path, timed: making the offline Python base image (cold and cached), loading images into
 * podman, and an image of the example service from `podman run` to its first 200 on /readyz.
 *
 * Run by bench/sandbox-containers/run (needs podman and runc, as root). Argument: the number of starts (default 5).
 * Prints one JSON object with the figures.
 */
public class ContainerBench {
    public static void main(String[] args) throws Exception {
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        Path work = Path.of("target", "bench-containers").toAbsolutePath();
        Path cold = Files.createTempDirectory(Files.createDirectories(work), "base-");
        StringBuilder out = new StringBuilder();

        long t0 = System.nanoTime();
        PythonBaseImage.BaseImage base = new PythonBaseImage(cold, quiet).ensure();
        double coldSeconds = seconds(t0);
        t0 = System.nanoTime();
        PythonBaseImage.BaseImage cached = new PythonBaseImage(cold, quiet).ensure();
        double cachedSeconds = seconds(t0);
        if (!cached.reused() || !cached.configDigest().equals(base.configDigest())) {
            throw new IllegalStateException("the second ensure() did not reuse the cached image");
        }

        Podman podman = Podman.inStateDir(work.resolve("podman"), quiet);
        t0 = System.nanoTime();
        podman.load(base.archive());
        double loadBase = seconds(t0);

        Path example = Path.of("examples/reco-service").toAbsolutePath();
        t0 = System.nanoTime();
        Layer layer = new LayerBuilder()
                .tree(example.resolve("src"), "/app/src", 0644, p -> !p.getFileName().toString().equals("__pycache__"))
                .tree(example.resolve("training-output/reco-ranker/v2"), "/opt/model", 0644, p -> true)
                .writeTo(cold.resolve("app-layer.tar"));
        ImageConfig config = DockerArchive.read(base.archive()).config()
                .withEnv(Map.of("PYTHONPATH", "/app/src", "MODEL_DIR", "/opt/model"))
                .withEntrypoint(List.of("python3", "-m", "reco.server"), List.of());
        Path app = cold.resolve("reco-service.tar");
        DockerArchive.appendLayer(base.archive(), layer, config, "localhost/mlship-bench/reco-service:v2", "bench", app);
        double appBuild = seconds(t0);
        t0 = System.nanoTime();
        String appId = podman.load(app);
        double loadApp = seconds(t0);

        List<Long> ready = new ArrayList<>();
        List<Long> stop = new ArrayList<>();
        List<Integer> exits = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            ContainerSpec spec = ContainerSpec.builder(appId, "mlship-bench-" + port).env("PORT", "" + port)
                    .healthUrl(URI.create("http://127.0.0.1:" + port + "/readyz"), Duration.ofSeconds(60)).build();
            Container c = podman.start(spec);
            ready.add(c.readyAfter().toMillis());
            long s0 = System.nanoTime();
            c.close();
            stop.add((System.nanoTime() - s0) / 1_000_000);
            exits.add(c.exitCode());
        }
        Collections.sort(ready);
        Collections.sort(stop);

        // One JSON object, the figures bench/lib/report.py renders (part sandbox-containers).
        out.append("{");
        out.append(String.format(Locale.ROOT, "\"image\": \"%s\", \"cores\": %d, ", base.repoTag(),
                Runtime.getRuntime().availableProcessors()));
        out.append(String.format(Locale.ROOT, "\"baseArchiveMb\": %.1f, \"basePackages\": %d, \"baseConfigDigest\": \"%s\", ",
                base.sizeBytes() / 1e6, base.packages().size(), base.configDigest()));
        out.append(String.format(Locale.ROOT, "\"baseColdS\": %.2f, \"baseCachedS\": %.2f, \"loadBaseS\": %.2f, ",
                coldSeconds, cachedSeconds, loadBase));
        out.append(String.format(Locale.ROOT, "\"exampleImageS\": %.2f, \"loadExampleS\": %.2f, ", appBuild, loadApp));
        out.append(String.format(Locale.ROOT, "\"starts\": %d, \"readyMs\": {\"min\": %d, \"median\": %d, \"max\": %d}, ",
                starts, ready.get(0), ready.get(ready.size() / 2), ready.get(ready.size() - 1)));
        out.append(String.format(Locale.ROOT, "\"stopMedianMs\": %d, \"exitCodes\": %s}%n",
                stop.get(stop.size() / 2), exits));
        System.out.print(out);
        podman.pruneImages();
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
