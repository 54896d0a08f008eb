package io.mlship.kube.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.mlship.kube.apply.Applier;
import io.mlship.kube.apply.Plan;
import io.mlship.kube.apply.Planner;
import io.mlship.kube.connect.FieldManager;
import io.mlship.progress.Progress;
import java.util.List;

/**
 * The candidate of a service canary in the cluster: brought up beside stable, given a step's share of the host,
 * and taken away again, route first, so no request is sent to pods that are going. The candidate's objects are
 * owned under its own instance ({@code <service>-canary}), so planning them never touches stable's, and removing
 * them is a plan with nothing desired: whatever an interrupted run left behind goes too.
 */
public final class CandidateDeployer {
    private final KubernetesClient client;
    private final Progress progress;

    public CandidateDeployer(KubernetesClient client, Progress progress) {
        this.client = client;
        this.progress = progress;
    }

    /** Whether the stable Deployment exists: without it a candidate has nothing to be compared with or fall back to. */
    public boolean stableRuns(String namespace, String stable) {
        return client.apps().deployments().inNamespace(namespace).withName(stable).get() != null;
    }

    /**
     * Applies the candidate's objects ({@code request.service()} is the candidate's name) and watches its rollout;
     * a failed rollout removes what it created, as a first deploy does, and says why.
     */
    public DeployReport bringUp(DeployRequest request) {
        Deployer deployer = new Deployer(client, progress);
        return deployer.deploy(request, deployer.plan(request));
    }

    /** Gives the candidate its share: nginx's canary Ingress, or stable's HTTPRoute with weighted backends. */
    public void route(HasMetadata route) {
        progress.step("routing: " + route.getKind() + "/" + route.getMetadata().getName() + " " + describe(route));
        client.resource(route).fieldManager(FieldManager.NAME).forceConflicts().serverSideApply();
    }

    /**
     * Takes every share back and removes the candidate. {@code stableRoute}, for a Gateway, is stable's HTTPRoute
     * without the candidate, applied first; for nginx it is null (the canary Ingress is the candidate's own object
     * and is removed first of them, routes going before what they route to). Gives the objects removed.
     */
    public List<String> remove(String namespace, String candidate, HasMetadata stableRoute) {
        if (stableRoute != null) {
            route(stableRoute);
        }
        Plan plan = new Planner(client).plan(namespace, candidate, List.of());
        if (!plan.changesAnything()) {
            return List.of();
        }
        progress.step("removing the candidate " + candidate + " (" + plan.changes().size() + " objects)");
        new Applier(client, progress).apply(plan);
        return plan.changed().stream().map(c -> c.key().kind() + "/" + c.key().name()).toList();
    }

    private static String describe(HasMetadata route) {
        var annotations = route.getMetadata().getAnnotations();
        String weight = annotations == null ? null : annotations.get("nginx.ingress.kubernetes.io/canary-weight");
        return weight != null ? "(" + weight + "% to the candidate)" : "(weighted backends)";
    }
}
