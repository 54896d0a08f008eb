package io.mlship.spec;

import java.util.Map;

/**
 * Where one environment lives. DS, data-engineering and app work sit in separate GCP projects, so each
 * role has its own project. {@code promoteFrom} names the environment whose gate a release here must have passed
 * first (and whose last passed image and model it takes when none is given).
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
        String promoteFrom,
        StateLocation state,
        Map<String, Object> overrides,
        Gateway gateway) {

    public EnvironmentSpec {
        overrides = Lists.copy(overrides);
    }

    public record Projects(String gke, String vertex, String registry, String artifacts) {
    }

    public record CopyArtifacts(String bucket, String prefix) {
    }

    /** The platform's Gateway an HTTPRoute attaches to ({@code deploy.routing: gateway}); null section: any listener. */
    public record Gateway(String name, String namespace, String sectionName) {
    }

    /**
     * The Cloud Storage folder that keeps a model-only spec's release state (a spec that deploys keeps it in its
     * namespace); documents go under {@code gs://bucket/prefix/<service>/<env>/}.
     */
    public record StateLocation(String bucket, String prefix) {

        public String uri() {
            String p = prefix == null || prefix.isEmpty() ? "" : prefix.endsWith("/") ? prefix : prefix + "/";
            return "gs://" + bucket + "/" + p;
        }
    }

    /** GKE clusters are regional unless the environment names a zone. */
    public String effectiveClusterLocation() {
        return clusterLocation != null ? clusterLocation : region;
    }
}
