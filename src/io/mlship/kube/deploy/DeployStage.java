package io.mlship.kube.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.mlship.kube.apply.Plan;
import io.mlship.kube.connect.ClusterAccess;
import io.mlship.kube.connect.ClusterRef;
import io.mlship.kube.manifest.CanaryRenderer;
import io.mlship.kube.manifest.ManifestRenderer;
import io.mlship.kube.manifest.PodImage;
import io.mlship.kube.manifest.ReleaseIdentity;
import io.mlship.kube.manifest.ReleaseLabels;
import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.spec.DeploySpec;
import io.mlship.spec.Durations;
import io.mlship.spec.EnvironmentView;
import io.mlship.state.StateDocument;
import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * The deploy stage: the service's objects rendered for one environment, compared with what runs, applied by
 * image digest and watched; a failed rollout is restored to the exact previous objects. What a deploy replaces
 * is kept in a record first, so a later {@link #rollBack} (a failed gate) can put it back.
 */
public final class DeployStage {
    private final ClusterAccess clusters;
    private final ObjectMapper json;
    private final PrintStream out;
    private final Progress progress;

    /** {@code out} gets the plan (what changes), data a caller may pipe on; {@code progress} what happens. */
    public DeployStage(ClusterAccess clusters, ObjectMapper json, PrintStream out, Progress progress) {
        this.clusters = clusters;
        this.json = json;
        this.out = out;
        this.progress = progress;
    }

    public DeployOutcome run(DeployInput in) throws Exception {
        EnvironmentView environment = requireDeploySection(in.environment());
        if (in.imageDigest() == null && !in.dryRun()) {
            throw MlshipException.badInput("--image-digest is required: releases deploy by digest, never by tag",
                    "pass the digest mlship build reported (its result's digest), or use --dry-run to preview");
        }
        if (in.releaseId() != null) {
            ReleaseIds.identity(in.releaseId(), in.gitSha()); // a bad id is bad input: say so before anything else
        }
        String repository = environment.imageRepository();
        PodImage image = in.imageDigest() != null ? PodImage.byDigest(repository, in.imageDigest().value())
                : PodImage.preview(repository, "preview");
        DeploySpec deploy = environment.spec().deploy();
        ClusterRef target = clusters.target(environment, in.kubeconfig(), in.kubeContext()).withAgentCluster(in.agentCluster());

        // Rendering and setting up the client (which sends nothing) need nothing from each other and are each a
        // large part of a cold start, so the objects are rendered on a second thread meanwhile. Both use one
        // serialization: the release id is hashed with the serializers the client later sends the objects with.
        KubernetesSerialization serialization = new KubernetesSerialization();
        ReleaseIds ids = new ReleaseIds(serialization);
        FutureTask<ReleaseIds.Rendered> rendering = new FutureTask<>(() -> ids.render(environment, image, in.releaseId(), in.gitSha()));
        Thread renderer = new Thread(rendering, "mlship-render");
        renderer.setDaemon(true);
        renderer.start();
        try (KubernetesClient client = clusters.connect(target, serialization, in.requestTimeout(), progress)) {
            ReleaseIds.Rendered rendered = await(rendering);
            List<HasMetadata> objects = rendered.objects();
            DeployRequest request = new DeployRequest(environment.namespace(), environment.service(), objects, image.reference(),
                    ReleaseLabels.selector(environment.spec()), Durations.parse(deploy.rollout().timeout()),
                    deploy.rollout().readinessGraceOrDefault(), in.certificateTimeout(), in.ingressTimeout(), in.dryRun(), in.deployedBy());
            progress.step(environment.service() + " → " + target.effectiveContext() + " namespace "
                    + environment.namespace() + (in.dryRun() ? " (dry run)" : ""));
            Deployer deployer = new Deployer(client, progress);
            Plan plan = plan(deployer, request, target);
            out.print(plan.describe());
            out.flush();
            if (!plan.changesAnything()) {
                progress.step("nothing to change: the cluster already runs this release");
            }
            DeployOutcome planned = new DeployOutcome(environment.name(), environment.namespace(), image.reference(),
                    target.effectiveContext(), rendered.identity().releaseId(), plan.summary(),
                    plan.changed().stream().map(c -> c.key().toString()).toList(), null, null, in.deployedBy(), null);
            DeployReport report;
            try {
                report = deployer.deploy(request, plan, records(in)::save);
            } catch (MlshipException e) {
                return planned.failed(e);
            }
            String url = report.dryRun() ? null : clusters.serviceUrl(client, environment).orElse(null);
            return new DeployOutcome(planned.environment(), planned.namespace(), planned.image(), planned.context(),
                    planned.releaseId(), planned.objects(), planned.changedObjects(), report, url, in.deployedBy(), null);
        }
    }

    /**
     * One step of {@code deploy.canary}: the candidate (this input's image) brought up beside stable and given
     * {@code percent} of the host's traffic. Stable's objects are never written. A candidate whose rollout fails is
     * removed again, and the outcome says why.
     */
    public CanaryStep canaryStep(DeployInput in, int percent) {
        EnvironmentView environment = requireCanary(in);
        if (in.imageDigest() == null) {
            throw MlshipException.badInput("a canary step needs the candidate's --image-digest", "pass the digest mlship build reported");
        }
        PodImage image = PodImage.byDigest(environment.imageRepository(), in.imageDigest().value());
        DeploySpec deploy = environment.spec().deploy();
        String candidate = CanaryRenderer.candidateName(environment.spec());
        CanaryRenderer canaries = new CanaryRenderer();
        List<HasMetadata> objects = canaries.candidate(environment, new ManifestRenderer().render(environment, image));
        Map<String, String> selector = new LinkedHashMap<>(ReleaseLabels.selector(environment.spec()));
        selector.put(ReleaseLabels.INSTANCE, candidate);
        ClusterRef target = clusters.target(environment, in.kubeconfig(), in.kubeContext()).withAgentCluster(in.agentCluster());
        try (KubernetesClient client = clusters.connect(target, new KubernetesSerialization(), in.requestTimeout(), progress)) {
            progress.step("canary step " + percent + "%: candidate " + candidate + " → " + target.effectiveContext()
                    + " namespace " + environment.namespace());
            DeployRequest request = new DeployRequest(environment.namespace(), candidate, objects, image.reference(), selector,
                    Durations.parse(deploy.rollout().timeout()), deploy.rollout().readinessGraceOrDefault(), in.certificateTimeout(),
                    in.ingressTimeout(), false, in.deployedBy());
            CandidateDeployer candidates = new CandidateDeployer(client, progress);
            DeployOutcome planned = new DeployOutcome(environment.name(), environment.namespace(), image.reference(),
                    target.effectiveContext(), null, List.of(), objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).toList(),
                    null, null, in.deployedBy(), null);
            if (!candidates.stableRuns(environment.namespace(), environment.service())) {
                progress.step("no stable Deployment " + environment.service() + " runs yet: nothing to run a candidate beside");
                return new CanaryStep(percent, candidate, false, planned, null);
            }
            DeployReport report;
            try {
                report = candidates.bringUp(request);
            } catch (MlshipException e) {
                return new CanaryStep(percent, candidate, true, planned.failed(e), null);
            }
            candidates.route(canaries.route(environment, percent));
            return new CanaryStep(percent, candidate, true, new DeployOutcome(planned.environment(), planned.namespace(),
                    planned.image(), planned.context(), null, report.plan().summary(), planned.changedObjects(), report,
                    clusters.serviceUrl(client, environment, candidate).orElse(null), in.deployedBy(), null),
                    clusters.serviceUrl(client, environment).orElse(null));
        }
    }

    /** Takes the candidate's share back and removes it, whatever step an earlier run reached; stable is left as it is. */
    public CandidateRemoval removeCandidate(DeployInput in) {
        EnvironmentView environment = requireCanary(in);
        ClusterRef target = clusters.target(environment, in.kubeconfig(), in.kubeContext()).withAgentCluster(in.agentCluster());
        try (KubernetesClient client = clusters.connect(target, new KubernetesSerialization(), in.requestTimeout(), progress)) {
            HasMetadata stableRoute = environment.spec().deploy().routesThroughGateway()
                    ? new CanaryRenderer().route(environment, 0) : null;
            String candidate = CanaryRenderer.candidateName(environment.spec());
            return new CandidateRemoval(environment.name(), environment.namespace(), candidate,
                    new CandidateDeployer(client, progress).remove(environment.namespace(), candidate, stableRoute));
        }
    }

    private static EnvironmentView requireCanary(DeployInput in) {
        EnvironmentView environment = requireDeploySection(in.environment());
        if (environment.spec().deploy().canary() == null) {
            throw MlshipException.badInput("the spec has no deploy.canary, so there is no candidate to deploy or remove",
                    "add deploy.canary (e.g. steps: [10, 50]), or deploy in place");
        }
        return environment;
    }

    /** Puts back what ran before the last recorded deploy (the store, else the workspace file) and waits until it is healthy. */
    public ServiceRollback rollBack(DeployInput in) throws IOException {
        EnvironmentView environment = requireDeploySection(in.environment());
        StateDocument<DeployRecord> records = records(in);
        DeployRecord rec = records.load().orElseThrow(() -> MlshipException.badInput("nothing to roll back: no deploy record in "
                + records.where(), "a deploy that changed something keeps one; pass --record if it was kept in another file"));
        if (!rec.namespace().equals(environment.namespace()) || !rec.service().equals(environment.service())) {
            throw MlshipException.badInput("the deploy record in " + records.where() + " is for " + rec.service() + " in namespace "
                    + rec.namespace() + ", not " + environment.service() + " in " + environment.namespace(),
                    "pass --record with this environment's record");
        }
        ClusterRef target = clusters.target(environment, in.kubeconfig(), in.kubeContext()).withAgentCluster(in.agentCluster());
        DeploySpec deploy = environment.spec().deploy();
        try (KubernetesClient client = clusters.connect(target, new KubernetesSerialization(), in.requestTimeout(), progress)) {
            new Deployer(client, progress).rollBackTo(rec, Durations.parse(deploy.rollout().timeout()),
                    deploy.rollout().readinessGraceOrDefault());
        }
        return new ServiceRollback(environment.name(), rec.namespace(), rec.image(), rec.previousImage(),
                target.effectiveContext());
    }

    private StateDocument<DeployRecord> records(DeployInput in) {
        return new StateDocument<>(in.state(), "deploy", DeployRecord.class, in.recordFile(), json);
    }

    private static EnvironmentView requireDeploySection(EnvironmentView environment) {
        if (environment.spec().deploy() == null) {
            throw MlshipException.badInput("the spec has no deploy section, so there is nothing to deploy",
                    "add a deploy section, or skip mlDeploy for a model-only repository");
        }
        if (environment.spec().image() == null) {
            throw MlshipException.badInput("the spec has no image section, so the deployed image is unknown",
                    "add an image section (registry, repository)");
        }
        return environment;
    }

    private static Plan plan(Deployer deployer, DeployRequest request, ClusterRef target) {
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

    /** What the rendering thread returned; what it threw is rethrown here, as the stage's own failure. */
    private static <T> T await(FutureTask<T> rendering) throws Exception {
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
}
