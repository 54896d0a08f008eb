package io.mlship.kube.deploy;

import io.mlship.result.MlshipException;
import io.mlship.result.StageOutcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a deploy did: where, which image, the plan's changes, and (for a real deploy) the revisions, the rollout's
 * time and where the service answers. A failed rollout still reports its plan, with the failure (rolled back, or
 * not when the restore itself failed). {@code deployedBy} is what a successful deploy notes on the Deployment.
 */
public record DeployOutcome(String environment, String namespace, String image, String context, String releaseId,
                            List<Map<String, Object>> objects, List<String> changedObjects, DeployReport report,
                            String serviceUrl, DeployedBy deployedBy, MlshipException failure) implements StageOutcome {

    public DeployOutcome {
        objects = List.copyOf(objects);
        changedObjects = List.copyOf(changedObjects);
        deployedBy = deployedBy == null ? DeployedBy.UNKNOWN : deployedBy;
    }

    public int changes() {
        return changedObjects.size();
    }

    public boolean dryRun() {
        return report != null && report.dryRun();
    }

    public String revision() {
        return report == null ? null : report.revision();
    }

    public String previousRevision() {
        return report == null ? null : report.previousRevision();
    }

    DeployOutcome failed(MlshipException why) {
        return new DeployOutcome(environment, namespace, image, context, releaseId, objects, changedObjects, report,
                serviceUrl, deployedBy, why);
    }

    @Override
    public Map<String, Object> resultFields() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("environment", environment);
        r.put("namespace", namespace);
        r.put("image", image);
        r.put("context", context);
        r.put("dryRun", report == null ? null : report.dryRun());
        r.put("releaseId", releaseId);
        r.put("objects", objects);
        r.put("changes", changes());
        r.put("objectsApplied", dryRun() ? List.of() : changedObjects);
        if (report != null) {
            r.put("revision", report.revision());
            r.put("previousRevision", report.previousRevision());
            if (report.dryRun()) {
                r.put("dryRunMode", report.dryRunMode());
            } else {
                r.put("rolloutSeconds", report.rolloutTime().toMillis() / 1000.0);
                r.put("ingressAddress", report.ingressAddress());
                r.put("serviceUrl", serviceUrl);
                r.put("annotations", deployedBy.annotations());
            }
        }
        return r;
    }
}
