package io.mlship.kube.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything one deploy needs, worked out and checked before the cluster is contacted. {@code deployedBy} is
 * written beside the objects, not in them (see {@link DeployedByWriter}).
 */
public record DeployRequest(
        String namespace,
        String service,
        List<HasMetadata> objects,
        String image,
        Map<String, String> selector,
        Duration rolloutTimeout,
        Duration readinessGrace,
        Duration certificateTimeout,
        Duration ingressTimeout,
        boolean dryRun,
        DeployedBy deployedBy) {

    public DeployRequest {
        objects = List.copyOf(objects);
        selector = Map.copyOf(selector);
        deployedBy = deployedBy == null ? DeployedBy.UNKNOWN : deployedBy;
    }
}
