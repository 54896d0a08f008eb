package io.mlship.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.kube.apply.Plan;
import io.mlship.kube.connect.ClusterConnector;
import io.mlship.kube.connect.ClusterTarget;
import io.mlship.kube.deploy.DeployReport;
import io.mlship.kube.deploy.DeployRequest;
import io.mlship.kube.deploy.Deployer;
import io.mlship.kube.manifest.ImageTarget;
import io.mlship.kube.manifest.ManifestRenderer;
import io.mlship.kube.manifest.ReleaseIdentity;
import io.mlship.kube.manifest.ReleaseLabels;
import io.mlship.result.MlshipException;
import io.mlship.spec.DeploySpec;
import io.mlship.spec.Durations;
import io.mlship.spec.EnvironmentSpec;
import io.mlship.spec.Placeholders;
import io.mlship.spec.ReleaseSpec;
import java.nio.charset.StandardCharsets;
import io.mlship.kube.deploy.DeployRecord;
import io.mlship.result.JsonRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        description = {"Apply the service's Kubernetes objects to one environment's GKE cluster and watch the rollout.",
                "Prints what changes against what runs now, then applies by image digest.",
                "A failed rollout (ProgressDeadlineExceeded, CrashLoopBackOff, ImagePullBackOff, failing readiness",
                "or the deadline) is rolled back to the exact previous objects: exit 1; exit 4 if that restore fails.",
                "--dry-run changes nothing. What a deploy replaced is kept in a record, so --rollback can put it back",
                "later (the release flow does this when the gate fails)."})
final class DeployCommand extends SpecCommand {
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,40}");

    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment to deploy to.")
    String env;

    @Option(names = "--image-digest", paramLabel = "sha256:…",
            description = "Digest of the image to run (from mlship build). Required, except with --dry-run.")
    String imageDigest;

    @Option(names = "--dry-run", arity = "0..1", description = "Show what would change (server-side dry run where the API supports it); apply nothing.")
    boolean dryRun;

    @Option(names = "--rollback", arity = "0..1",
            description = "Put back what ran before the last deploy to this environment (from its record) and wait until it is healthy.")
    boolean rollback;

    @Option(names = "--record", paramLabel = "FILE",
            description = "Where the deploy record (what changed, what ran before) is kept (default: .mlship/deploy-<env>.json next to the spec).")
    Path record;

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "Kubeconfig to use (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account).")
    String kubeconfig;

    @Option(names = "--context", paramLabel = "NAME",
            description = "Kubeconfig context (default: gke_<projects.gke>_<location>_<cluster> of the environment).")
    String kubeContext;

    @Option(names = "--release-id", paramLabel = "ID",
            description = "Release id for the mlship.io/release label (default: derived from the rendered objects, so a re-run changes nothing).")
    String releaseId;

    @Option(names = "--git-sha", paramLabel = "SHA", description = "Commit the release was built from (default: $GIT_COMMIT when set).")
    String gitSha;

    @Option(names = "--certificate-timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "How long to wait for the TLS Certificate to be Ready. Default: ${DEFAULT-VALUE}.")
    String certificateTimeout;

    @Option(names = "--ingress-timeout", paramLabel = "DURATION", defaultValue = "5m",
            description = "How long to wait for the Ingress to get an address. Default: ${DEFAULT-VALUE}.")
    String ingressTimeout;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "Timeout of each request to the API server. Default: ${DEFAULT-VALUE}.")
    String requestTimeout;

    @Override
    String name() {
        return "deploy";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        // Everything is checked before the first request, so bad input never half-applies.
        if (imageDigest != null && !DIGEST.matcher(imageDigest).matches()) {
            throw MlshipException.badInput("--image-digest '" + imageDigest + "' is not a sha256 digest",
                    "pass the digest mlship build reported: sha256: followed by 64 lower-case hex characters");
        }
        if (rollback && (dryRun || imageDigest != null)) {
            throw MlshipException.badInput("--rollback cannot be combined with --dry-run or --image-digest",
                    "run mlship deploy --rollback --env " + env + " on its own");
        }
        if (imageDigest == null && !dryRun && !rollback) {
            throw MlshipException.badInput("--image-digest is required: releases deploy by digest, never by tag",
                    "pass the digest mlship build reported (its result's imageDigest), or use --dry-run to preview");
        }
        String sha = gitSha != null ? gitSha : System.getenv("GIT_COMMIT");
        if (sha != null && !SHA.matcher(sha).matches()) {
            throw MlshipException.badInput("--git-sha '" + sha + "' is not a git commit id", "pass the full or short hex commit id");
        }
        Duration certWait = durationOption("--certificate-timeout", certificateTimeout);
        Duration ingressWait = durationOption("--ingress-timeout", ingressTimeout);
        Duration requestWait = durationOption("--request-timeout", requestTimeout);
        ReleaseSpec release = specOptions.load(context().specLoader()).forEnvironment(env);
        result.put("environment", env);
        if (release.deploy() == null) {
            throw MlshipException.badInput(specOptions.spec.getFileName() + " has no deploy section, so there is nothing to deploy",
                    "add a deploy section, or skip mlDeploy for a model-only repository");
        }
        if (release.image() == null) {
            throw MlshipException.badInput("the spec has no image section, so the deployed image is unknown",
                    "add an image section (registry, repository)");
        }
        EnvironmentSpec environment = release.environments().get(env);
        if (rollback) {
            rollBack(result, release, environment, requestWait);
            return;
        }
        ImageTarget image = imageTarget(release, environment);
        if (releaseId != null) {
            releaseIdentity(releaseId, sha); // a bad --release-id is bad input: say so before anything else
        }
        DeploySpec deploy = release.deploy();
        ClusterTarget target = new ClusterTarget(environment.projects().gke(), environment.effectiveClusterLocation(),
                environment.cluster(), kubeconfig, kubeContext);
        result.put("namespace", environment.namespace());
        result.put("image", image.reference());
        result.put("context", target.effectiveContext());
        result.put("dryRun", dryRun);

        var log = context().err();
        // Rendering and setting up the client (which sends nothing) need nothing from each other and are each a
        // large part of a cold start, so the objects are rendered on a second thread meanwhile. Both use one
        // serialization: the release id is hashed with the serializers the client later sends the objects with.
        KubernetesSerialization serialization = new KubernetesSerialization();
        FutureTask<Rendered> rendering = new FutureTask<>(() -> render(release, image, sha, serialization));
        Thread renderer = new Thread(rendering, "mlship-render");
        renderer.setDaemon(true);
        renderer.start();
        try (KubernetesClient client = new ClusterConnector(System.getenv(), requestWait, context().err())
                .connect(target, serialization)) {
            Rendered rendered = await(rendering);
            ReleaseIdentity identity = rendered.identity();
            List<HasMetadata> objects = rendered.objects();
            result.put("releaseId", identity.releaseId());
            DeployRequest request = new DeployRequest(environment.namespace(), release.service().name(), objects, image.reference(),
                    ReleaseLabels.selector(release), Durations.parse(deploy.rollout().timeout()), readinessThreshold(deploy),
                    certWait, ingressWait, dryRun);
            log.println("[mlship deploy] " + release.service().name() + " → " + target.effectiveContext() + " namespace "
                    + environment.namespace() + (dryRun ? " (dry run)" : ""));
            Deployer deployer = new Deployer(client, log);
            Plan plan = plan(deployer, request, target);
            context().out().print(plan.describe());
            context().out().flush();
            result.put("objects", plan.summary());
            result.put("changes", plan.changed().size());
            result.put("objectsApplied", dryRun ? List.of() : plan.changed().stream().map(c -> c.key().toString()).toList());
            if (!plan.changesAnything()) {
                log.println("[mlship deploy] nothing to change: the cluster already runs this release");
            }
            DeployReport report = deployer.deploy(request, plan, this::saveRecord);
            result.put("revision", report.revision());
            result.put("previousRevision", report.previousRevision());
            if (report.dryRun()) {
                result.put("dryRunMode", report.dryRunMode());
            } else {
                result.put("rolloutSeconds", report.rolloutTime().toMillis() / 1000.0);
                result.put("ingressAddress", report.ingressAddress());
            }
        }
    }

    private void rollBack(Map<String, Object> result, ReleaseSpec release, EnvironmentSpec environment, Duration requestWait)
            throws Exception {
        result.put("action", "rollback");
        Path file = recordFile();
        if (!Files.isRegularFile(file)) {
            throw MlshipException.badInput("nothing to roll back: no deploy record at " + file,
                    "a deploy that changed something writes it; pass --record if it was kept elsewhere");
        }
        DeployRecord rec = context().json().readValue(file.toFile(), DeployRecord.class);
        if (!rec.namespace().equals(environment.namespace()) || !rec.service().equals(release.service().name())) {
            throw MlshipException.badInput("the deploy record " + file + " is for " + rec.service() + " in namespace "
                    + rec.namespace() + ", not " + release.service().name() + " in " + environment.namespace(),
                    "pass --record with this environment's record");
        }
        ClusterTarget target = new ClusterTarget(environment.projects().gke(), environment.effectiveClusterLocation(),
                environment.cluster(), kubeconfig, kubeContext);
        result.put("namespace", rec.namespace());
        result.put("image", rec.image());
        result.put("restoredImage", rec.previousImage());
        result.put("context", target.effectiveContext());
        try (KubernetesClient client = new ClusterConnector(System.getenv(), requestWait).connect(target)) {
            new Deployer(client, context().err()).rollBackTo(rec, Durations.parse(release.deploy().rollout().timeout()),
                    readinessThreshold(release.deploy()));
        }
    }

    private Path recordFile() {
        return record != null ? record : besideSpec(specOptions.spec).getParent().resolve("deploy-" + env + ".json");
    }

    /** Written before the first change, so a killed build still leaves what to roll back to. */
    private void saveRecord(DeployRecord rec) {
        JsonRecords.write(context().json(), recordFile(), rec, "deploy record");
    }

    private Plan plan(Deployer deployer, DeployRequest request, ClusterTarget target) {
        try {
            return deployer.plan(request);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 401 || e.getCode() == 403) {
                throw MlshipException.badInput("the cluster refused mlship's credentials (HTTP " + e.getCode() + "): " + e.getMessage(),
                        "check the Jenkins credential or Workload Identity binding; refresh with: " + target.getCredentialsCommand());
            }
            throw MlshipException.infrastructure("cannot reach the Kubernetes API of " + target.effectiveContext() + ": "
                    + e.getMessage(), "check the cluster endpoint and the agent's network; nothing was applied", e);
        }
    }

    private static int readinessThreshold(DeploySpec deploy) {
        DeploySpec.Probe readiness = deploy.probes() == null ? null : deploy.probes().readiness();
        return readiness != null && readiness.failureThreshold() != null ? readiness.failureThreshold() : 3;
    }

    /** The objects to apply and the release identity they carry. */
    private record Rendered(ReleaseIdentity identity, List<HasMetadata> objects) {
    }

    private Rendered render(ReleaseSpec release, ImageTarget image, String sha, KubernetesSerialization serialization)
            throws Exception {
        ReleaseIdentity identity = identity(release, image, sha, serialization);
        return new Rendered(identity, new ManifestRenderer().render(release, env, image, identity));
    }

    /** What the rendering thread returned; what it threw is rethrown here, as the command's own failure. */
    private static Rendered await(FutureTask<Rendered> rendering) throws Exception {
        try {
            return rendering.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private ReleaseIdentity identity(ReleaseSpec release, ImageTarget image, String sha, KubernetesSerialization serialization)
            throws Exception {
        if (releaseId != null) {
            return releaseIdentity(releaseId, sha);
        }
        // Same spec and image → same id, so re-running a deploy changes nothing: the id is a hash of what would be
        // applied (rendered without the id itself).
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        for (HasMetadata object : new ManifestRenderer().render(release, env, image, new ReleaseIdentity(null, sha))) {
            digest.update(serialization.asJson(object).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
        }
        return releaseIdentity("r-" + HexFormat.of().formatHex(digest.digest()).substring(0, 12), sha);
    }

    private static ReleaseIdentity releaseIdentity(String id, String sha) {
        try {
            return new ReleaseIdentity(id, sha);
        } catch (IllegalArgumentException e) {
            throw MlshipException.badInput(e.getMessage(), "pass --release-id as a Kubernetes label value, e.g. the Jenkins build tag");
        }
    }

    private ImageTarget imageTarget(ReleaseSpec release, EnvironmentSpec environment) {
        Map<String, String> values = Placeholders.environmentValues(env, environment, release.service());
        String repository = release.image().registry() + "/"
                + Placeholders.fill(release.image().repository(), values, "image.repository");
        return imageDigest != null ? ImageTarget.byDigest(repository, imageDigest) : ImageTarget.preview(repository, "preview");
    }
}
