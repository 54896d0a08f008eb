package io.mlship.spec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.mlship.result.Problem;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads a release spec and reports every problem at once: YAML syntax, then the schema (types, unknown keys,
 * names), then — per environment, with its overrides merged and defaults applied — the rules the schema
 * cannot express (paths, conflicts, placement, image references).
 */
public final class SpecLoader implements SpecReader {
    private final SpecParser parser;
    private final SpecSchema schema;
    private final ObjectReader binder;
    private final EnvironmentMerger merger = new EnvironmentMerger();
    private final List<SpecRule> rules;

    public SpecLoader(ObjectMapper json) {
        this.parser = new SpecParser();
        this.schema = new SpecSchema(json);
        // The reader fetches the deserializers of every spec record now (Jackson builds them on first use), so
        // a loader built ahead of time, as the CLI does, binds the spec without that cost.
        this.binder = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.EAGER_DESERIALIZER_FETCH)
                .build()
                .readerFor(ReleaseSpec.class);
        this.rules = List.of(new RepoPathRule(), new ConsistencyRule(), new PlacementRule(), new ImageReferenceRule(),
                new PromotionChainRule(), new RoutingRule(), new SecretRefRule(), new EvaluationRule());
    }

    @Override
    public LoadedSpec load(Path specFile, Path repoRoot) {
        Path absolute = specFile.toAbsolutePath().normalize();
        Path root = repoRoot != null ? repoRoot.toAbsolutePath().normalize() : absolute.getParent();
        return resolve(parser.parse(absolute, root));
    }

    public LoadedSpec resolve(SpecDocument doc) {
        String file = doc.displayName();
        Set<Problem> problems = new LinkedHashSet<>(schema.check(doc.root(), doc.origins(), file));
        Map<String, EnvironmentMerger.Merged> merged = new LinkedHashMap<>();
        for (String env : environmentNames(doc)) {
            EnvironmentMerger.Merged m = merger.merge(doc, env);
            merged.put(env, m);
            if (doc.root().path("environments").path(env).has("overrides")) {
                problems.addAll(schema.check(m.tree(), m.origins(), file));
            }
        }
        Map<String, ReleaseSpec> resolved = new LinkedHashMap<>();
        if (problems.stream().noneMatch(Problem::isError)) {
            List<Problem> ruleProblems = new ArrayList<>();
            Map<Object, Object> perLoad = new java.util.HashMap<>();
            merged.forEach((env, m) -> {
                schema.applyDefaults(m.tree());
                ReleaseSpec spec = bind(m.tree(), m.origins(), file, ruleProblems);
                if (spec == null) {
                    return;
                }
                resolved.put(env, spec);
                RuleContext ctx = new RuleContext(env, spec, doc, m.origins(), ruleProblems, perLoad);
                rules.forEach(rule -> rule.check(ctx));
            });
            problems.addAll(ruleProblems);
        }
        List<Problem> ordered = new ArrayList<>(problems);
        ordered.sort(java.util.Comparator.comparing(Problem::severity).thenComparingInt(Problem::line));
        boolean valid = ordered.stream().noneMatch(Problem::isError);
        return new LoadedSpec(doc, ordered, valid ? resolved : Map.of());
    }

    /**
     * Binds a schema-valid tree to the records. What the schema lets through but a record cannot hold (a
     * number beyond an int, say) is still the user's input, so it becomes a located problem, not a crash.
     */
    private ReleaseSpec bind(JsonNode tree, SourceMap origins, String file, List<Problem> problems) {
        try {
            return binder.readValue(tree);
        } catch (JsonMappingException e) {
            StringBuilder pointer = new StringBuilder();
            for (JsonMappingException.Reference ref : e.getPath()) {
                pointer.append('/').append(ref.getFieldName() != null ? ref.getFieldName() : String.valueOf(ref.getIndex()));
            }
            Origin o = origins.find(pointer.toString());
            String reason = e.getOriginalMessage() == null ? "cannot be used" : e.getOriginalMessage().split("\n")[0];
            problems.add(Problem.error(o.path(), file, o.line(), "value cannot be used: " + reason,
                    "use a plain whole number or text as the schema describes"));
            return null;
        } catch (JsonProcessingException e) {
            problems.add(Problem.error("", file, 0, "value cannot be used: " + e.getOriginalMessage(), null));
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e); // reading a tree in memory does no I/O
        }
    }

    private static List<String> environmentNames(SpecDocument doc) {
        List<String> names = new ArrayList<>();
        JsonNode envs = doc.root().path("environments");
        for (Iterator<String> it = envs.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (envs.get(name).isObject()) {
                names.add(name);
            }
        }
        return names;
    }
}
