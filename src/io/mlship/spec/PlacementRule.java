package io.mlship.spec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Each section needs the environment to say where it goes: GKE for deploy, Vertex for the model, and so on. */
final class PlacementRule implements SpecRule {
    private final Suggestions suggestions = new Suggestions();

    @Override
    public void check(RuleContext ctx) {
        ReleaseSpec spec = ctx.spec();
        EnvironmentSpec env = ctx.environment();
        EnvironmentSpec.Projects projects = env.projects();
        String where = "environment '" + ctx.environmentName() + "'";
        if (spec.deploy() != null) {
            require(ctx, projects.gke(), Pointers.child(ctx.envPointer("projects"), "gke"), where + " deploys to GKE, so it needs the GKE project");
            require(ctx, env.cluster(), ctx.envPointer("cluster"), where + " deploys to GKE, so it needs the cluster name");
            require(ctx, env.namespace(), ctx.envPointer("namespace"), where + " deploys to GKE, so it needs the namespace");
        }
        if (spec.model() != null) {
            require(ctx, projects.vertex(), Pointers.child(ctx.envPointer("projects"), "vertex"), where + " promotes a model, so it needs the Vertex AI project");
            require(ctx, env.endpoint(), ctx.envPointer("endpoint"), where + " promotes a model, so it needs the Vertex AI endpoint name");
            placeholders(ctx, "/model/artifacts", spec.model().artifacts(), true);
        } else if (env.copyArtifacts() != null) {
            ctx.warning(ctx.envPointer("copyArtifacts"), "has no effect without a model section", "remove it");
        }
        if (spec.image() != null) {
            placeholders(ctx, "/image/repository", spec.image().repository(), false);
        }
    }

    private static void require(RuleContext ctx, String value, String pointer, String hint) {
        if (value == null) {
            ctx.error(pointer, "required key is missing", hint);
        }
    }

    /**
     * Placeholders naming environment values must resolve in this environment; in model artifacts, other
     * names are build parameters supplied when the model is promoted.
     */
    private void placeholders(RuleContext ctx, String pointer, String text, boolean buildParametersAllowed) {
        Map<String, String> known = Placeholders.environmentValues(ctx.environmentName(), ctx.environment(), ctx.spec().service());
        Set<String> environmentNames = Set.of("env", "service", "region", "gkeProject", "vertexProject", "registryProject", "artifactsProject");
        for (String name : Placeholders.names(text)) {
            if (known.containsKey(name)) {
                continue;
            }
            if (environmentNames.contains(name)) {
                ctx.error(pointer, "{" + name + "} has no value in environment '" + ctx.environmentName() + "'",
                        "set environments." + ctx.environmentName() + ".projects." + name.replace("Project", ""));
            } else if (!buildParametersAllowed) {
                ctx.error(pointer, "unknown placeholder {" + name + "}", suggestions.hint(name, List.copyOf(environmentNames)));
            }
        }
    }
}
