package io.mlship.spec;

import java.util.Map;

/**
 * The release spec of one service, resolved for one environment: the environment's overrides merged in
 * and the schema's defaults applied. Sections a repo does not use ({@code image}, {@code deploy},
 * {@code model}, {@code smoke}) are null: a model-only repo has no image, a service-only repo no model.
 */
public record ReleaseSpec(
        String apiVersion,
        ServiceSpec service,
        ImageSpec image,
        DeploySpec deploy,
        ModelSpec model,
        SmokeSpec smoke,
        Map<String, EnvironmentSpec> environments) {

    public ReleaseSpec {
        environments = Lists.copy(environments);
    }

    public boolean builds() {
        return image != null;
    }

    public boolean deploys() {
        return deploy != null;
    }

    public boolean promotes() {
        return model != null;
    }
}
