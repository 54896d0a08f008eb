package io.mlship.spec;

import java.util.List;

/**
 * How the host reaches the service, per environment: a Gateway API route needs the Gateway it attaches to, an
 * nginx canary needs the Ingress it sits beside, and canary steps only ever raise the candidate's share.
 */
final class RoutingRule implements SpecRule {

    @Override
    public void check(RuleContext ctx) {
        DeploySpec deploy = ctx.spec().deploy();
        EnvironmentSpec env = ctx.environment();
        if (deploy == null) {
            if (env.gateway() != null) {
                ctx.warning(ctx.envPointer("gateway"), "has no effect: the spec has no deploy section", "remove it");
            }
            return;
        }
        if (deploy.routesThroughGateway() && env.gateway() == null) {
            ctx.error(ctx.envPointer("gateway"), "deploy.routing is gateway, so environment '" + ctx.environmentName()
                    + "' needs the Gateway its HTTPRoute attaches to", "add gateway: {name: <gateway>, namespace: <its namespace>} "
                    + "to environments." + ctx.environmentName() + " (ask the platform team which Gateway serves internal traffic)");
        }
        if (!deploy.routesThroughGateway() && env.gateway() != null) {
            ctx.warning(ctx.envPointer("gateway"), "has no effect while deploy.routing is ingress",
                    "set deploy.routing: gateway to route through it, or remove it");
        }
        DeploySpec.Canary canary = deploy.canary();
        if (canary == null) {
            return;
        }
        List<Integer> steps = canary.steps();
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i) <= steps.get(i - 1)) {
                ctx.error("/deploy/canary/steps/" + i, "step " + steps.get(i) + "% does not raise the candidate's share after "
                        + steps.get(i - 1) + "%", "list the steps rising, e.g. [10, 50]");
                return;
            }
        }
        SmokeSpec smoke = ctx.spec().smoke();
        if (canary.iterations() > 1 && (smoke == null || !smoke.targets().contains("service"))) {
            ctx.warning("/deploy/canary/analysis", "runs the service gate " + canary.iterations() + " times at each step, "
                    + "but smoke.targets does not gate the service, so the steps are not judged", "add service to smoke.targets");
        }
        boolean ingress = deploy.ingress() != null && deploy.ingress().enabled();
        if (!deploy.routesThroughGateway() && !ingress) {
            ctx.error("/deploy/canary", "an nginx canary needs the service's Ingress, and deploy.ingress.enabled is false",
                    "enable deploy.ingress, or route through a Gateway (deploy.routing: gateway)");
        }
    }
}
