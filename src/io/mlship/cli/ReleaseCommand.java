package io.mlship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.mlship.kube.connect.ClusterConnector;
import io.mlship.kube.connect.ClusterTarget;
import io.mlship.release.CommandInvoker;
import io.mlship.release.Invocation;
import io.mlship.release.LeaseLock;
import io.mlship.release.ReleaseFlow;
import io.mlship.release.ReleaseInputs;
import io.mlship.release.ReleaseLock;
import io.mlship.release.ReleaseRecord;
import io.mlship.release.ReleaseReport;
import io.mlship.release.ReleaseSummary;
import io.mlship.release.ServiceLocator;
import io.mlship.result.ErrorCategory;
import io.mlship.result.JsonRecords;
import io.mlship.result.MlshipException;
import io.mlship.sandbox.SandboxInfo;
import io.mlship.sandbox.SandboxStateDir;
import io.mlship.sandbox.kube.RolloutSimulator;
import io.mlship.sandbox.container.PythonBaseImage;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.ReleaseSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "release", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        description = {"Release a service and its model to one environment, safely:",
                "build → deploy → promote the model with its canary share → gate the service and the endpoint →",
                "shift all traffic and the prod alias to the new version and undeploy the old ones.",
                "A failed rollout or gate puts back both the service and the model as they ran before (exit 1).",
                "One release per service and environment at a time (a Kubernetes Lease, or the pipeline's lock).",
                "Writes a release record (JSON), an HTML report and a summary; each stage's own result is kept too."})
final class ReleaseCommand extends SpecCommand {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment to release to.")
    String env;

    @Option(names = "--model-version", paramLabel = "VERSION", description = "Fills {version} in model.artifacts (the training run's folder).")
    String modelVersion;

    @Option(names = "--artifacts", paramLabel = "gs://…", description = "The trained model's folder instead of model.artifacts.")
    String artifacts;

    @Option(names = "--canary", paramLabel = "PCT", description = "Traffic share for the new model version while it is gated, 0-100 (default: model.canaryPercent).")
    Integer canary;

    @Option(names = "--image-digest", paramLabel = "sha256:…", description = "Release this already built image instead of building one.")
    String imageDigest;

    @Option(names = "--base-image", paramLabel = "REF|TAR|scratch", description = "Base image for the build instead of image.base (as mlship build).")
    String baseImage;

    @Option(names = "--tar", paramLabel = "OUT.tar", description = "Build the image into this tar instead of pushing it.")
    Path tar;

    @Option(names = "--allow-insecure-registry", arity = "0..1", fallbackValue = "true", description = "Allow a plain-HTTP registry (a local one).")
    boolean allowInsecureRegistry;

    @Option(names = "--skip-build", arity = "0..1", description = "Do not build (give --image-digest when the service is released).")
    boolean skipBuild;

    @Option(names = "--skip-service", arity = "0..1", description = "Leave the service alone: release the model only.")
    boolean skipService;

    @Option(names = "--skip-model", arity = "0..1", description = "Leave the model alone: release the service only.")
    boolean skipModel;

    @Option(names = "--cases", paramLabel = "FILE", description = "Cases for the service's gate instead of smoke.cases.")
    Path cases;

    @Option(names = "--prediction-cases", paramLabel = "FILE", description = "Cases for the endpoint's gate instead of smoke.predictionCases.")
    Path predictionCases;

    @Option(names = "--baseline", paramLabel = "URL", description = "Production service to compare the service's answers with (golden comparison).")
    String baseline;

    @Option(names = "--approved-by", paramLabel = "WHO", description = "Who approved the release (recorded).")
    String approvedBy;

    @Option(names = "--lock", paramLabel = "lease|none", defaultValue = "lease",
            description = "lease: take a Kubernetes Lease per service and environment; none: the pipeline holds a lock. Default: ${DEFAULT-VALUE}.")
    String lock;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "15m",
            description = "How long to wait for another release of the same service and environment. Default: ${DEFAULT-VALUE}.")
    String lockTimeout;

    @Option(names = "--sandbox", paramLabel = "DIR", description = "Release onto the sandbox started with mlship sandbox up --state DIR.")
    Path sandbox;

    @Option(names = "--kubeconfig", paramLabel = "FILE", description = "Kubeconfig for the deploy (as mlship deploy).")
    String kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context (as mlship deploy).")
    String kubeContext;

    @Option(names = "--git-sha", paramLabel = "SHA", description = "Commit released (default: $GIT_COMMIT).")
    String gitSha;

    @Option(names = "--build-url", paramLabel = "URL", description = "The build doing the release (default: $BUILD_URL).")
    String buildUrl;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30m",
            description = "Longest wait for one Vertex AI operation. Default: ${DEFAULT-VALUE}.")
    String timeout;

    @Option(names = "--record", paramLabel = "FILE", description = "Release record (JSON). Default: release-record.json beside the result.")
    Path record;

    @Option(names = "--report", paramLabel = "OUT.html", description = "HTML release report. Default: release-report.html beside the result.")
    Path report;

    @Override
    String name() {
        return "release";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        result.put("environment", env);
        // Everything is checked before the first remote call: bad input never half-releases.
        Duration lockWait = durationOption("--lock-timeout", lockTimeout);
        durationOption("--timeout", timeout);
        if (!lock.equals("lease") && !lock.equals("none")) {
            throw MlshipException.badInput("--lock '" + lock + "' is not lease or none",
                    "lease takes a Kubernetes Lease; none when the pipeline already holds a lock (Jenkins' lock step)");
        }
        if (imageDigest != null && !DIGEST.matcher(imageDigest).matches()) {
            throw MlshipException.badInput("--image-digest '" + imageDigest + "' is not a sha256 digest",
                    "pass the digest mlship build reported: sha256: followed by 64 lower-case hex characters");
        }
        if (canary != null && (canary < 0 || canary > 100)) {
            throw MlshipException.badInput("--canary " + canary + " is not a percentage", "give 0-100");
        }
        ReleaseSpec release = specOptions.load(context().specLoader()).forEnvironment(env);
        EnvironmentSpec environment = release.environments().get(env);
        String service = release.service().name();
        result.put("service", service);

        boolean deploy = release.deploy() != null && !skipService;
        boolean promote = release.model() != null && !skipModel;
        boolean build = deploy && imageDigest == null && !skipBuild && release.image() != null
                || promote && isServiceImage(release) && imageDigest == null && !skipBuild && release.image() != null;
        List<String> targets = release.smoke() == null ? List.of() : release.smoke().targets();
        boolean gateService = deploy && targets.contains("service");
        boolean gateVertex = promote && targets.contains("vertex");
        if (!deploy && !promote) {
            throw MlshipException.badInput("nothing to release: " + (skipService || skipModel ? "the parts left were skipped"
                    : "the spec has neither a deploy nor a model section"), "drop --skip-service/--skip-model, or add the section");
        }
        if ((deploy || promote && isServiceImage(release)) && !build && imageDigest == null) {
            throw MlshipException.badInput("no image to release: the build is skipped and --image-digest was not given",
                    "pass --image-digest from an earlier mlship build, or drop --skip-build");
        }
        if (release.smoke() == null) {
            context().err().println("[mlship release] warning: the spec has no smoke section, so nothing gates this release");
        }

        SandboxInfo info = sandbox == null ? null : new SandboxStateDir(sandbox).require();
        String kubeconfigFile = kubeconfig;
        String contextName = kubeContext;
        Path tarFile = tar;
        String base = baseImage;
        if (info != null) {
            if (deploy && info.kubeconfig() == null && kubeconfig == null) {
                throw MlshipException.infrastructure("the sandbox in " + sandbox + " runs no Kubernetes API",
                        "restart it with this mlship: mlship sandbox down/up --state " + sandbox, null);
            }
            kubeconfigFile = kubeconfigFile != null ? kubeconfigFile : info.kubeconfig();
            contextName = contextName != null ? contextName : info.kubeContext();
            // The sandbox's registry is a folder: its cluster runs the images built into it, found by digest.
            Path images = info.imagesDir() != null ? Path.of(info.imagesDir()) : sandbox.resolve("images");
            tarFile = tarFile != null ? tarFile : images.resolve(service + "-" + System.currentTimeMillis() + ".tar");
            base = base != null ? base : sandboxBase(info);
        }
        Path work = resultDirectory().resolve("release");
        Path recordFile = record != null ? record : resultDirectory().resolve("release-record.json");
        Path reportFile = report != null ? report : resultDirectory().resolve("release-report.html");
        String sha = gitSha != null ? gitSha : System.getenv("GIT_COMMIT");
        String url = buildUrl != null ? buildUrl : System.getenv("BUILD_URL");

        ReleaseInputs inputs = ReleaseInputs.builder()
                .spec(specOptions.spec, specOptions.repoRoot)
                .target(env, service)
                .parts(build, deploy, promote, gateService, gateVertex)
                .image(imageDigest, base, tarFile, allowInsecureRegistry)
                .model(modelVersion, artifacts, canary, isServiceImage(release))
                .gate(cases, predictionCases, baseline)
                .cluster(kubeconfigFile, contextName)
                .provenance(sha, url, approvedBy)
                .sandbox(sandbox)
                .timeout(timeout)
                .workDir(work)
                .build();

        ReleaseRecord done;
        ClusterTarget cluster = deploy ? new ClusterTarget(environment.projects().gke(), environment.effectiveClusterLocation(),
                environment.cluster(), kubeconfigFile, contextName) : null;
        try (KubernetesClient client = cluster == null ? null : new ClusterConnector(System.getenv(), Duration.ofSeconds(30)).connect(cluster)) {
            if (client != null && info != null) {
                ensureNamespace(client, environment.namespace());
            }
            ReleaseLock releaseLock = lock(client, environment, service, url, lockWait);
            try (ReleaseLock.Held held = releaseLock.acquire(lockWait)) {
                ServiceLocator locator = info == null || client == null ? Optional::empty
                        : () -> sandboxUrl(client, environment.namespace(), service);
                done = new ReleaseFlow(inputs, new InProcess(), locator, context().err(), Clock.systemUTC()).run();
            }
        }

        JsonRecords.write(context().json(), recordFile, done, "release record");
        new ReleaseReport().write(done, reportFile);
        context().err().println();
        context().err().print(new ReleaseSummary().render(done, reportFile));
        context().err().flush();
        result.put("releaseStatus", done.status()); // "status" is the result file's own succeeded/failed
        result.put("image", done.image());
        result.put("imageDigest", done.imageDigest());
        if (done.model() != null) {
            result.put("model", done.model().model());
            result.put("modelVersionId", done.model().modelVersionId());
            result.put("endpoint", done.model().endpoint());
            result.put("aliasesBefore", done.model().aliasesBefore());
            result.put("aliasesAfter", done.model().aliasesAfter());
            result.put("trafficBefore", done.model().trafficBefore());
            result.put("trafficAfter", done.model().trafficAfter());
        }
        if (done.deployed() != null) {
            result.put("serviceUrl", done.deployed().url());
            result.put("revision", done.deployed().revision());
        }
        result.put("approvedBy", approvedBy);
        result.put("reason", done.reason());
        result.put("stages", done.stages());
        result.put("junitFiles", done.junitFiles());
        result.put("recordFile", recordFile.toString());
        result.put("reportFile", reportFile.toString());
        if (!done.released()) {
            ErrorCategory category = switch (done.exitCode()) {
                case 1 -> done.gates().stream().anyMatch(g -> !"passed".equals(g.verdict())) ? ErrorCategory.GATE_FAILED
                        : ErrorCategory.ROLLOUT_FAILED;
                case 2 -> ErrorCategory.BAD_INPUT;
                case 4 -> ErrorCategory.ROLLBACK_FAILED;
                default -> ErrorCategory.INFRASTRUCTURE;
            };
            throw new MlshipException(category, done.reason(), done.hint() != null ? done.hint()
                    : "the release record " + recordFile + " and the report " + reportFile + " say what ran");
        }
    }

    /**
     * Services in the sandbox run as processes with this machine's python3 (a scratch base is enough), or under
     * podman, which needs a Python base: the sandbox makes one offline, once, from the machine's own packages.
     */
    private String sandboxBase(SandboxInfo info) {
        if (!"podman".equals(info.runtime())) {
            return "scratch";
        }
        String cache = System.getenv("XDG_CACHE_HOME") != null ? System.getenv("XDG_CACHE_HOME")
                : System.getProperty("user.home") + "/.cache";
        return new PythonBaseImage(Path.of(cache, "mlship", "python-base"), context().err()).ensure().archive().toString();
    }

    private static boolean isServiceImage(ReleaseSpec release) {
        return release.model() != null && release.model().serving() != null
                && "service".equals(release.model().serving().image());
    }

    private ReleaseLock lock(KubernetesClient client, EnvironmentSpec environment, String service, String who, Duration wait) {
        if (lock.equals("none")) {
            context().err().println("[mlship release] no release lock taken here (--lock none): the pipeline holds one");
            return ReleaseLock.none();
        }
        if (client == null) {
            context().err().println("[mlship release] warning: no cluster in this release, so no Lease: "
                    + "let the pipeline hold the lock (mlPipeline does, with Jenkins' lock step)");
            return ReleaseLock.none();
        }
        String holder = who != null ? who : System.getProperty("user.name", "someone") + "@" + host();
        return new LeaseLock(client, environment.namespace(), service, env, holder, Duration.ofSeconds(60),
                context().err(), Clock.systemUTC());
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The sandbox stands in for cluster provisioning too: the environment's namespace is made on first use. */
    private void ensureNamespace(KubernetesClient client, String namespace) {
        try {
            if (client.namespaces().withName(namespace).get() == null) {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                        .addToLabels("kubernetes.io/metadata.name", namespace).endMetadata().build()).create();
                context().err().println("[mlship release] created namespace " + namespace + " in the sandbox's cluster");
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return; // another release made it at the same moment
            }
            throw MlshipException.infrastructure("the sandbox's Kubernetes API refused to create namespace " + namespace
                    + ": " + e.getMessage(), "restart the sandbox: mlship sandbox down/up --state " + sandbox, e);
        }
    }

    private static Optional<String> sandboxUrl(KubernetesClient client, String namespace, String service) {
        Service s = client.services().inNamespace(namespace).withName(service).get();
        if (s == null || s.getMetadata().getAnnotations() == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(s.getMetadata().getAnnotations().get(RolloutSimulator.URL_ANNOTATION));
    }

    /** Runs each stage's command in this process, with the same console, and reads its result file. */
    private final class InProcess implements CommandInvoker {
        @Override
        public Invocation run(String stage, List<String> args) {
            Instant start = Instant.now();
            int code = Main.run(context(), args.toArray(String[]::new));
            Duration took = Duration.between(start, Instant.now());
            int dirAt = args.indexOf("--result-dir");
            Path file = Path.of(args.get(dirAt + 1)).resolve(args.get(0) + ".json");
            JsonNode parsed = null;
            try {
                if (Files.isRegularFile(file)) {
                    parsed = context().json().readTree(file.toFile());
                }
            } catch (IOException e) {
                context().err().println("[mlship release] cannot read " + file + ": " + e.getMessage());
            }
            return new Invocation(args.get(0), code, parsed, file, took);
        }
    }
}
