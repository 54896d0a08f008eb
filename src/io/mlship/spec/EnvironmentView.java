package io.mlship.spec;

import io.mlship.result.MlshipException;
import java.util.Map;

/**
 * The spec bound to one environment: every setting a stage reads about "where" (image repository, cluster,
 * namespace, endpoint, service URL, projects) is worked out here, once, from the spec as resolved for that
 * environment.
 */
public record EnvironmentView(String name, ReleaseSpec spec, EnvironmentSpec settings) {

    public EnvironmentView {
        if (settings == null) {
            throw new IllegalArgumentException("environment '" + name + "' is not in the spec");
        }
    }

    /** One environment of a loaded spec, or exit 2 naming the environments that exist. */
    public static EnvironmentView of(LoadedSpec loaded, String name) {
        ReleaseSpec spec = loaded.forEnvironment(name);
        return new EnvironmentView(name, spec, spec.environments().get(name));
    }

    public String service() {
        return spec.service().name();
    }

    public String namespace() {
        return settings.namespace();
    }

    public String region() {
        return settings.region();
    }

    public EnvironmentSpec.Projects projects() {
        return settings.projects() == null ? new EnvironmentSpec.Projects(null, null, null, null) : settings.projects();
    }

    /** The values {@code {name}} placeholders of this environment are filled with. */
    public Map<String, String> placeholderValues() {
        return Placeholders.environmentValues(name, settings, spec.service());
    }

    /** {@code registry/repository} with the environment's values filled in; exit 2 when the spec has no image. */
    public String imageRepository() {
        return imageRepository(null);
    }

    /** As {@link #imageRepository()}, on {@code registry} instead of image.registry when it is given. */
    public String imageRepository(String registry) {
        if (spec.image() == null) {
            throw MlshipException.badInput("the spec has no image section, so the image repository is unknown",
                    "add an image section (registry, repository)");
        }
        String repository;
        try {
            repository = Placeholders.fill(spec.image().repository(), placeholderValues(), "image.repository");
        } catch (IllegalArgumentException e) {
            throw MlshipException.badInput(e.getMessage(), "set the value in environment '" + name + "'");
        }
        return (registry != null ? registry : spec.image().registry()) + "/" + repository;
    }

    /** The GKE cluster's location: regional unless the environment names a zone. */
    public String clusterLocation() {
        return settings.effectiveClusterLocation();
    }

    public String cluster() {
        return settings.cluster();
    }

    /** The Vertex AI endpoint's display name: the environment's, else {@code <model-id>-<env>}. */
    public String endpointName() {
        if (settings.endpoint() != null) {
            return settings.endpoint();
        }
        return spec.model() == null ? null : spec.model().id().replace('_', '-') + "-" + name;
    }

    /** Where the service answers inside the environment: {@code https://<host>}; null without a host. */
    public String serviceUrl() {
        return settings.host() == null ? null : "https://" + settings.host();
    }

    /** Whether Vertex AI serves the model from the service's own image ({@code model.serving.image: service}). */
    public boolean servesModelFromServiceImage() {
        return spec.model() != null && spec.model().serving() != null && spec.model().serving().usesServiceImage();
    }

    /** The environment whose gate a release here must have passed first, or null. */
    public String promoteFrom() {
        return settings.promoteFrom();
    }

    /** Where a model-only spec keeps its release state in Cloud Storage, or null. */
    public EnvironmentSpec.StateLocation stateLocation() {
        return settings.state();
    }
}
