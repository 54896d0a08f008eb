package io.mlship.cli;

import io.mlship.image.BuildInput;
import io.mlship.kube.connect.ClusterAccess;
import io.mlship.kube.connect.GkeClusters;
import io.mlship.model.GoogleCloudModels;
import io.mlship.model.ModelAccess;
import io.mlship.release.EnvironmentStateStores;
import io.mlship.result.MlshipException;
import io.mlship.sandbox.SandboxClusters;
import io.mlship.sandbox.SandboxInfo;
import io.mlship.sandbox.SandboxModels;
import io.mlship.sandbox.RunningSandbox;
import io.mlship.sandbox.container.PythonBaseImage;
import io.mlship.smoke.EndpointPredictors;
import io.mlship.smoke.targets.VertexPredictorFactory;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The adapters one run uses, chosen once from its options: Google Cloud and GKE, or a running sandbox's stand-ins.
 * The stages get them and never ask which.
 *
 * @param images where a build goes when the options do not say: the registry, or the sandbox's images folder
 * @param states where release state is kept, reached through the same clusters and models
 * @param hostsAt where every host name resolves for the gate (the sandbox's ingress, as internal DNS would); null
 *                from the supplier: DNS
 */
record Adapters(String description, ClusterAccess clusters, ModelAccess models, EndpointPredictors predictors,
                UnaryOperator<BuildInput> images, EnvironmentStateStores states, Supplier<InetAddress> hostsAt) {

    /** The sandbox in {@code stateDir} when it is given, else Google Cloud. */
    static Adapters choose(Path stateDir, PrintStream log) {
        return stateDir == null ? google() : sandbox(stateDir, log);
    }

    static Adapters google() {
        GkeClusters clusters = new GkeClusters(System.getenv());
        GoogleCloudModels models = new GoogleCloudModels();
        return new Adapters(null, clusters, models, predictors(null), UnaryOperator.identity(),
                new EnvironmentStateStores(clusters, models), () -> null);
    }

    /** The sandbox started with {@code mlship sandbox up --state stateDir}, read when first used (exit 3 if not running). */
    static Adapters sandbox(Path stateDir, PrintStream log) {
        RunningSandbox sandbox = new RunningSandbox(stateDir);
        // The sandbox's registry is a folder: its cluster runs the images built into it, found by digest.
        UnaryOperator<BuildInput> intoSandbox = in -> {
            SandboxInfo info = sandbox.info();
            Path images = info.imagesDir() != null ? Path.of(info.imagesDir()) : stateDir.resolve("images");
            return in.withTarOutput(in.tarOutput() != null ? in.tarOutput()
                            : images.resolve(in.environment().service() + "-" + System.currentTimeMillis() + ".tar"))
                    .withBase(in.baseImage() != null ? in.baseImage() : sandboxBase(info, log));
        };
        EndpointPredictors viaEmulator = (project, region, endpoint, timeout) ->
                predictors(sandbox.info().vertexGrpc()).open(project, region, endpoint, timeout);
        SandboxClusters clusters = new SandboxClusters(sandbox, System.getenv());
        SandboxModels models = new SandboxModels(sandbox);
        Supplier<InetAddress> ingress = () -> {
            try {
                return InetAddress.getByName(sandbox.info().ingressAddress());
            } catch (java.net.UnknownHostException e) {
                throw MlshipException.infrastructure("the sandbox's ingress address is not an address: " + e.getMessage(),
                        "restart the sandbox: mlship sandbox down/up --state " + stateDir, e);
            }
        };
        return new Adapters("the sandbox " + stateDir, clusters, models, viaEmulator, intoSandbox,
                new EnvironmentStateStores(clusters, models), ingress);
    }

    /** Vertex AI's prediction API, or the emulator at {@code emulator} (host:port) when given. */
    static EndpointPredictors predictors(String emulator) {
        return (project, region, endpoint, timeout) -> ServiceLoader.load(VertexPredictorFactory.class).findFirst()
                .orElseThrow(() -> MlshipException.badInput("this mlship has no Vertex AI prediction adapter",
                        "run the gate against the service URL (--target http://…) or use an mlship build with Vertex AI support"))
                .open(project, region, endpoint, emulator, timeout);
    }

    /**
     * Services in the sandbox run as processes with this machine's python3 (a scratch base is enough), or under
     * podman, which needs a Python base: the sandbox makes one offline, once, from the machine's own packages.
     */
    private static String sandboxBase(SandboxInfo info, PrintStream log) {
        if (!"podman".equals(info.runtime())) {
            return "scratch";
        }
        String cache = System.getenv("XDG_CACHE_HOME") != null ? System.getenv("XDG_CACHE_HOME")
                : System.getProperty("user.home") + "/.cache";
        return new PythonBaseImage(Path.of(cache, "mlship", "python-base"), log).ensure().archive().toString();
    }
}
