package io.mlship.check;

import io.mlship.spec.DeploySpec;
import io.mlship.spec.EnvironmentView;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a release to an environment would move traffic, read from its spec: the service's canary steps (or a rollout
 * in place) and the Vertex AI endpoint's canary share for a new model version.
 *
 * @param host          where the service answers, or null without one
 * @param serviceSteps  the service canary's shares of the host's traffic, empty for a rollout in place; null: no service
 * @param endpoint      the Vertex AI endpoint's name, or null without a model
 * @param modelCanary   the share a new model version gets while its gate runs
 */
public record PlannedTraffic(String host, List<Integer> serviceSteps, String endpoint, int modelCanary) {

    public static PlannedTraffic of(EnvironmentView environment) {
        DeploySpec deploy = environment.spec().deploy();
        List<Integer> steps = deploy == null ? null : deploy.canary() == null ? List.of() : deploy.canary().steps();
        var model = environment.spec().model();
        return new PlannedTraffic(environment.settings().host(), steps, model == null ? null : environment.endpointName(),
                model == null ? 0 : model.canaryPercent());
    }

    /** One markdown bullet per part that moves traffic. */
    List<String> lines() {
        String on = host == null ? "" : " on `" + host + "`";
        String service = serviceSteps == null ? null : serviceSteps.isEmpty()
                ? "**Service**" + on + ": rolls out in place, then the gate runs; a failed gate rolls it back"
                : "**Service**" + on + ": canary " + serviceSteps.stream().map(s -> s + "%").collect(Collectors.joining(" → "))
                + " → 100%, each step gated; a failed gate puts all traffic back on stable";
        String vertex = endpoint == null ? null : "**Vertex AI** endpoint `" + endpoint + "`: the new model version gets "
                + modelCanary + "% while its gate runs, then 100% and the prod alias; a failed gate restores the split";
        return java.util.stream.Stream.of(service, vertex).filter(l -> l != null).toList();
    }
}
