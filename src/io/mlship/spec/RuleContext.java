package io.mlship.spec;

import io.mlship.result.Problem;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** What a {@link SpecRule} sees: one environment's resolved spec, and where to report. */
public final class RuleContext {
    private final String environment;
    private final ReleaseSpec spec;
    private final SpecDocument document;
    private final SourceMap origins;
    private final List<Problem> sink;
    private final Map<Object, Object> perLoad;

    /** @param perLoad shared by every environment's context of one load: see {@link #once} */
    RuleContext(String environment, ReleaseSpec spec, SpecDocument document, SourceMap origins, List<Problem> sink,
                Map<Object, Object> perLoad) {
        this.environment = environment;
        this.spec = spec;
        this.document = document;
        this.origins = origins;
        this.sink = sink;
        this.perLoad = perLoad;
    }

    /**
     * The value for {@code key}, computed by the first environment that asks during this load: a fact about the
     * checkout (a walk of a folder several environments name) is found once, not once per environment.
     */
    @SuppressWarnings("unchecked")
    public <T> T once(Object key, Supplier<T> compute) {
        return (T) perLoad.computeIfAbsent(key, k -> compute.get());
    }

    public String environmentName() {
        return environment;
    }

    public ReleaseSpec spec() {
        return spec;
    }

    public EnvironmentSpec environment() {
        return spec.environments().get(environment);
    }

    public SpecDocument document() {
        return document;
    }

    /** Pointer of a key of this rule's environment, e.g. {@code envPointer("host")}. */
    public String envPointer(String key) {
        return Pointers.child(Pointers.child("/environments", environment), key);
    }

    public void error(String pointer, String message, String hint) {
        Origin o = origins.find(pointer);
        sink.add(Problem.error(o.path(), document.displayName(), o.line(), message, hint));
    }

    public void warning(String pointer, String message, String hint) {
        Origin o = origins.find(pointer);
        sink.add(Problem.warning(o.path(), document.displayName(), o.line(), message, hint));
    }
}
