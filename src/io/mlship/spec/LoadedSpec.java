package io.mlship.spec;

import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import java.util.List;
import java.util.Map;

/**
 * The outcome of loading a spec: every problem found (errors and warnings) and, when there are no errors,
 * the spec resolved for each environment.
 */
public record LoadedSpec(SpecDocument document, List<Problem> problems, Map<String, ReleaseSpec> environments) {

    public LoadedSpec {
        problems = List.copyOf(problems);
        environments = Lists.copy(environments);
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    public boolean isValid() {
        return errors().isEmpty();
    }

    /** Throws the bad-input error listing every problem unless the spec is valid. */
    public LoadedSpec requireValid() {
        List<Problem> errors = errors();
        if (!errors.isEmpty()) {
            throw MlshipException.badInput(document.displayName() + " has " + errors.size() + " problem"
                    + (errors.size() == 1 ? "" : "s"), "fix them all, then run mlship validate again", errors);
        }
        return this;
    }

    /** The spec for one environment, or a bad-input error naming the environments that exist. */
    public ReleaseSpec forEnvironment(String name) {
        requireValid();
        ReleaseSpec spec = environments.get(name);
        if (spec == null) {
            throw MlshipException.badInput("environment '" + name + "' is not in " + document.displayName(),
                    new Suggestions().hint(name, environments.keySet()));
        }
        return spec;
    }
}
