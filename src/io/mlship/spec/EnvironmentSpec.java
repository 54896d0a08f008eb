package io.mlship.spec;

import java.util.Map;

/**
 * Where one environment lives. DS, data-engineering and app work sit in separate GCP projects, so each
 * role has its own project.
 */
public record EnvironmentSpec(
        Projects projects,
        String region,
        String clusterLocation,
        String cluster,
        String namespace,
        String host,
        String endpoint,
        CopyArtifacts copyArtifacts,
        boolean approval,
        Map<String, Object> overrides) {

    public EnvironmentSpec {
        overrides = Lists.copy(overrides);
    }

    public record Projects(String gke, String vertex, String registry, String artifacts) {
    }

    public record CopyArtifacts(String bucket, String prefix) {
    }

    /** GKE clusters are regional unless the environment names a zone. */
    public String effectiveClusterLocation() {
        return clusterLocation != null ? clusterLocation : region;
    }
}
