package io.mlship.kube.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.mlship.kube.apply.Applier;
import io.mlship.kube.apply.KindTable;
import io.mlship.kube.apply.ObjectKey;
import io.mlship.kube.apply.Plan;
import io.mlship.kube.apply.Planner;
import io.mlship.kube.rollout.RolloutOutcome;
import io.mlship.kube.rollout.RolloutWatcher;
import io.mlship.progress.Progress;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One deploy: plan (read only; records the previous objects), apply, watch the rollout, and on failure restore
 * the previous objects and wait for them to be healthy again. Then the TLS certificate and the Ingress address,
 * each with its own timeout.
 */
public final class Deployer {
    private static final ResourceDefinitionContext CHALLENGES = new ResourceDefinitionContext.Builder()
            .withGroup("acme.cert-manager.io").withVersion("v1").withKind("Challenge").withPlural("challenges").withNamespaced(true).build();

    private final KubernetesClient client;
    private final Progress progress;

    public Deployer(KubernetesClient client, Progress progress) {
        this.client = client;
        this.progress = progress;
    }

    public Plan plan(DeployRequest request) {
        return new Planner(client).plan(request.namespace(), request.service(), request.objects());
    }

    public DeployReport deploy(DeployRequest request, Plan plan) {
        return deploy(request, plan, rec -> { });
    }

    /** Deploys; {@code keepRecord} gets what is about to change (and what ran before) before the first write. */
    public DeployReport deploy(DeployRequest request, Plan plan, java.util.function.Consumer<DeployRecord> keepRecord) {
        ObjectKey deploymentKey = plan.desired().keySet().stream().filter(k -> k.kind().equals("Deployment")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("nothing to deploy: no Deployment rendered"));
        String previousRevision = revision(plan.previous().get(deploymentKey));
        if (request.dryRun()) {
            // The plan is already the server's answer to a dry-run apply of every object (see Planner).
            return new DeployReport(plan, true, "server", null, previousRevision, null, null);
        }
        Optional<String> previousImage = image(plan.previous().get(deploymentKey));
        if (plan.changesAnything()) {
            keepRecord.accept(DeployRecord.of(request, plan, deploymentKey.name(), previousImage.orElse(null)));
        }
        // Watches open before the first write, so no update is missed; closed once, after the last wait.
        try (RolloutWatcher watcher = new RolloutWatcher(client, request.namespace(), deploymentKey.name(), request.selector(), progress)) {
            RolloutOutcome outcome;
            try {
                new Applier(client, progress).apply(plan);
                outcome = watcher.await(request.image(), request.rolloutTimeout(), request.readinessGrace());
            } catch (Applier.WriteFailed e) {
                if (e.isTransient()) {
                    // The API failed (5xx, throttling, lost connection) even after the client's retries: put back what
                    // was there and say it is the infrastructure (exit 3), not the release, that failed.
                    progress.step("the API server failed writing " + e.key() + " after retries: " + apiMessage(e.getCause()));
                    restore(request, plan, deploymentKey, previousImage, "writing " + e.key() + " failed (" + apiMessage(e.getCause()) + ")", watcher);
                    throw MlshipException.infrastructure("the Kubernetes API failed writing " + e.key() + " after retries: "
                                    + apiMessage(e.getCause()) + " (" + restoredWhat(previousImage) + ")",
                            "check the API server's health (kubectl get --raw /readyz) and run the deploy again", e);
                }
                outcome = new RolloutOutcome(false, "the API server refused writing " + e.key() + ": " + apiMessage(e.getCause()),
                        null, Duration.ZERO, Instant.now());
            } catch (KubernetesClientException e) {
                outcome = new RolloutOutcome(false, "the API server refused a write: " + apiMessage(e), null, Duration.ZERO, Instant.now());
            }
            if (!outcome.available()) {
                progress.step("rollout failed: " + outcome.reason());
                rollBack(request, plan, deploymentKey, previousImage, outcome, watcher);
            }
            progress.step("rollout complete in " + outcome.elapsed().toMillis() + " ms (revision " + outcome.revision() + ")");
            // The objects' apply leaves these annotations alone, so what the plan read is what the Deployment has now.
            if (!request.deployedBy().equals(DeployedBy.of(plan.previous().get(deploymentKey)))) {
                new DeployedByWriter(client, progress).write(request.namespace(), deploymentKey.name(), request.deployedBy());
            }
            checkCertificate(request, plan);
            String address = checkIngress(request, plan);
            return new DeployReport(plan, false, null, outcome.revision(), previousRevision, outcome.elapsed(), address);
        }
    }

    /**
     * Puts back what ran before a recorded deploy (the release flow does this when a later gate fails) and waits
     * for the previous Deployment to be healthy again. Running it twice changes nothing the second time.
     */
    public void rollBackTo(DeployRecord record, Duration rolloutTimeout, Duration readinessGrace) {
        progress.step("rolling back " + record.service() + " in namespace " + record.namespace() + " to "
                + (record.previousImage() == null ? "nothing (it was not deployed before)" : record.previousImage()));
        try (RolloutWatcher watcher = new RolloutWatcher(client, record.namespace(), record.deployment(), record.selector(), progress)) {
            new Applier(client, progress).restore(record.plan());
            GenericKubernetesResource before = previousDeployment(record);
            if (before != null) {
                // The annotations are not the objects' own fields, so the restore above leaves them: put them back too.
                new DeployedByWriter(client, progress).write(record.namespace(), record.deployment(), DeployedBy.of(before));
            }
            if (record.previousImage() != null) {
                RolloutOutcome restored = watcher.await(record.previousImage(), rolloutTimeout, readinessGrace);
                if (!restored.available()) {
                    throw new MlshipException(ErrorCategory.ROLLBACK_FAILED, "the restored Deployment/" + record.deployment()
                            + " did not become healthy: " + restored.reason(),
                            "a person must look: kubectl -n " + record.namespace() + " describe deployment " + record.deployment());
                }
                progress.step("rolled back: " + record.previousImage() + " is serving again (revision "
                        + restored.revision() + ")");
            } else {
                progress.step("rolled back: the objects the deploy created are removed");
            }
        } catch (KubernetesClientException e) {
            throw new MlshipException(ErrorCategory.ROLLBACK_FAILED, "restoring the previous objects failed: " + apiMessage(e),
                    "a person must look: kubectl -n " + record.namespace() + " get all -l app.kubernetes.io/instance=" + record.service(), e);
        }
    }

    private static GenericKubernetesResource previousDeployment(DeployRecord record) {
        return record.previous().stream().filter(p -> p.key().kind().equals("Deployment") && p.key().name().equals(record.deployment()))
                .map(DeployRecord.Previous::object).findFirst().orElse(null);
    }

    private void rollBack(DeployRequest request, Plan plan, ObjectKey deploymentKey, Optional<String> previousImage,
                          RolloutOutcome failed, RolloutWatcher watcher) {
        restore(request, plan, deploymentKey, previousImage, "rollout failed (" + failed.reason() + ")", watcher);
        throw new MlshipException(ErrorCategory.ROLLOUT_FAILED, "rollout of " + request.service() + " failed: " + failed.reason()
                + " (rolled back: " + restoredWhat(previousImage) + ")",
                "fix the cause above and release again; kubectl -n " + request.namespace() + " get events shows the cluster's view");
    }

    /** Puts the previous objects back and waits for the previous Deployment; a restore that fails is exit 4. */
    private void restore(DeployRequest request, Plan plan, ObjectKey deploymentKey, Optional<String> previousImage,
                         String why, RolloutWatcher watcher) {
        progress.step("restoring the previous objects");
        try {
            new Applier(client, progress).restore(plan);
            if (previousImage.isPresent()) {
                RolloutOutcome restored = watcher.await(previousImage.get(), request.rolloutTimeout(), request.readinessGrace());
                if (!restored.available()) {
                    throw new MlshipException(ErrorCategory.ROLLBACK_FAILED,
                            why + " and the restored Deployment/" + deploymentKey.name() + " did not become healthy: " + restored.reason(),
                            "a person must look: kubectl -n " + request.namespace() + " describe deployment " + deploymentKey.name());
                }
            }
        } catch (KubernetesClientException e) {
            throw new MlshipException(ErrorCategory.ROLLBACK_FAILED,
                    why + " and restoring the previous objects failed: " + apiMessage(e),
                    "a person must look: kubectl -n " + request.namespace() + " get all -l app.kubernetes.io/instance=" + request.service(), e);
        }
    }

    private static String restoredWhat(Optional<String> previousImage) {
        return previousImage.isPresent() ? "the previous Deployment is running again" : "the objects this deploy created were removed";
    }

    @SuppressWarnings("unchecked")
    private void checkCertificate(DeployRequest request, Plan plan) {
        Optional<ObjectKey> key = plan.desired().keySet().stream().filter(k -> k.kind().equals("Certificate")).findFirst();
        if (key.isEmpty()) {
            return;
        }
        progress.step("waiting for Certificate/" + key.get().name() + " to be Ready (timeout "
                + request.certificateTimeout().toSeconds() + "s)");
        var cert = client.genericKubernetesResources(KindTable.of(key.get().apiVersion(), "Certificate").orElseThrow())
                .inNamespace(request.namespace()).withName(key.get().name());
        try {
            cert.waitUntilCondition(c -> c != null && "True".equals(readyCondition(c).get("status")),
                    request.certificateTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientTimeoutException e) {
            GenericKubernetesResource now = cert.get();
            Map<String, Object> ready = now == null ? Map.of() : readyCondition(now);
            String why = ready.isEmpty() ? "no Ready condition yet" : ready.get("reason") + ": " + ready.get("message");
            throw MlshipException.infrastructure("the service is rolled out, but Certificate/" + key.get().name()
                            + " was not Ready within " + request.certificateTimeout().toSeconds() + "s: " + why + challengeReasons(request),
                    "check the ClusterIssuer and cert-manager: kubectl -n " + request.namespace() + " describe certificate "
                            + key.get().name(), e);
        }
    }

    private String challengeReasons(DeployRequest request) {
        try {
            List<String> reasons = client.genericKubernetesResources(CHALLENGES).inNamespace(request.namespace()).list().getItems().stream()
                    .map(ch -> ch.getAdditionalProperties().get("status"))
                    .filter(s -> s instanceof Map<?, ?> m && m.get("reason") != null)
                    .map(s -> String.valueOf(((Map<?, ?>) s).get("reason"))).toList();
            return reasons.isEmpty() ? "" : "; challenge: " + String.join("; ", reasons);
        } catch (KubernetesClientException e) {
            return ""; // no ACME issuer in use
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readyCondition(GenericKubernetesResource c) {
        Object status = c.getAdditionalProperties().get("status");
        if (status instanceof Map<?, ?> s && s.get("conditions") instanceof List<?> conditions) {
            for (Object o : conditions) {
                if (o instanceof Map<?, ?> m && "Ready".equals(m.get("type"))) {
                    return (Map<String, Object>) m;
                }
            }
        }
        return Map.of();
    }

    private String checkIngress(DeployRequest request, Plan plan) {
        Optional<ObjectKey> key = plan.desired().keySet().stream().filter(k -> k.kind().equals("Ingress")).findFirst();
        if (key.isEmpty()) {
            return null;
        }
        progress.step("waiting for Ingress/" + key.get().name() + " to get an address (timeout "
                + request.ingressTimeout().toSeconds() + "s)");
        var ingress = client.network().v1().ingresses().inNamespace(request.namespace()).withName(key.get().name());
        try {
            Ingress ready = ingress.waitUntilCondition(i -> address(i) != null, request.ingressTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return address(ready);
        } catch (KubernetesClientTimeoutException e) {
            throw MlshipException.infrastructure("the service is rolled out, but Ingress/" + key.get().name()
                            + " got no address within " + request.ingressTimeout().toSeconds() + "s",
                    "check that the ingress controller for its class runs: kubectl -n " + request.namespace()
                            + " describe ingress " + key.get().name(), e);
        }
    }

    private static String address(Ingress i) {
        if (i == null || i.getStatus() == null || i.getStatus().getLoadBalancer() == null
                || i.getStatus().getLoadBalancer().getIngress() == null || i.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            return null;
        }
        IngressLoadBalancerIngress lb = i.getStatus().getLoadBalancer().getIngress().get(0);
        return lb.getIp() != null ? lb.getIp() : lb.getHostname();
    }

    @SuppressWarnings("unchecked")
    private static String revision(GenericKubernetesResource deployment) {
        if (deployment == null || deployment.getMetadata().getAnnotations() == null) {
            return null;
        }
        return deployment.getMetadata().getAnnotations().get(RolloutWatcher.REVISION);
    }

    @SuppressWarnings("unchecked")
    private static Optional<String> image(GenericKubernetesResource deployment) {
        if (deployment == null) {
            return Optional.empty();
        }
        try {
            Map<String, Object> spec = (Map<String, Object>) deployment.getAdditionalProperties().get("spec");
            Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
            List<Map<String, Object>> containers = (List<Map<String, Object>>) template.get("containers");
            return Optional.ofNullable((String) containers.get(0).get("image"));
        } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException e) {
            return Optional.empty();
        }
    }

    static String apiMessage(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return e.getMessage();
    }
}
