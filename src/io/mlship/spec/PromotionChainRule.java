package io.mlship.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code promoteFrom} names another environment of the spec, and following it never comes back (a cycle would
 * leave no environment a release could start in). {@code state} only means something for a model-only spec.
 */
final class PromotionChainRule implements SpecRule {
    private final Suggestions suggestions = new Suggestions();

    @Override
    public void check(RuleContext ctx) {
        EnvironmentSpec env = ctx.environment();
        if (env.state() != null && ctx.spec().deploy() != null) {
            ctx.warning(ctx.envPointer("state"), "has no effect: a spec that deploys keeps its release state in ConfigMaps "
                    + "in its namespace", "remove it");
        }
        String from = env.promoteFrom();
        if (from == null) {
            return;
        }
        String pointer = ctx.envPointer("promoteFrom");
        List<String> names = new ArrayList<>(ctx.spec().environments().keySet());
        if (from.equals(ctx.environmentName())) {
            ctx.error(pointer, "environment '" + from + "' cannot promote from itself", "name the environment before it, e.g. staging");
            return;
        }
        if (!ctx.spec().environments().containsKey(from)) {
            names.remove(ctx.environmentName());
            ctx.error(pointer, "no environment '" + from + "' in this spec", suggestions.hint(from, names));
            return;
        }
        Set<String> seen = new HashSet<>(List.of(ctx.environmentName()));
        for (String at = from; at != null; at = ctx.spec().environments().get(at).promoteFrom()) {
            if (!seen.add(at)) {
                ctx.error(pointer, "promoteFrom goes round in a circle through '" + at + "'",
                        "the first environment (usually staging) has no promoteFrom");
                return;
            }
            if (!ctx.spec().environments().containsKey(at)) {
                return; // reported at that environment
            }
        }
    }
}
