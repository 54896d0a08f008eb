package io.mlship.cli;

import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import io.mlship.spec.LoadedSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "validate", mixinStandardHelpOptions = true,
        versionProvider = MlshipCommand.Version.class,
        header = "Check a release spec and report every problem in it.",
        description = "Reports every problem at once, each with its path in the spec, its line and a hint. "
                + "Nothing remote is contacted. Exit 0 when the spec is valid (warnings allowed), 2 when it is not.")
final class ValidateCommand extends SpecCommand {

    @Option(names = "--env", paramLabel = "ENV",
            description = "Check only this environment (default: all of them).")
    String env;

    @Override
    String name() {
        return "validate";
    }

    @Override
    void execute(Map<String, Object> result) {
        result.put("spec", specOptions.spec.toString());
        LoadedSpec loaded;
        try {
            loaded = specOptions.load(context().specLoader());
        } catch (MlshipException e) {
            result.put("valid", false);
            result.put("problems", e.problems());
            throw e;
        }
        List<Problem> problems = loaded.problems();
        result.put("valid", loaded.isValid());
        result.put("problems", problems);
        var err = context().err();
        for (Problem p : loaded.warnings()) {
            err.println("  " + p.format());
        }
        loaded.requireValid();
        List<String> environments = new ArrayList<>(loaded.environments().keySet());
        if (env != null) {
            loaded.forEnvironment(env);
            environments = List.of(env);
        }
        result.put("environments", environments);
        // Pipelines ask a person before releasing where the spec says so, and release what passed the gate of an
        // environment's promoteFrom instead of building; they cannot read YAML themselves.
        Map<String, Boolean> approval = new LinkedHashMap<>();
        Map<String, String> promoteFrom = new LinkedHashMap<>();
        for (String e : environments) {
            var settings = loaded.forEnvironment(e).environments().get(e);
            approval.put(e, settings.approval());
            if (settings.promoteFrom() != null) {
                promoteFrom.put(e, settings.promoteFrom());
            }
        }
        result.put("approval", approval);
        result.put("promoteFrom", promoteFrom);
        var first = loaded.environments().values().iterator().next();
        result.put("service", first.service().name());
        // Which parts the spec has, so a pipeline knows what to check and release without reading YAML.
        result.put("parts", Map.of("service", first.deploy() != null, "model", first.model() != null));
        err.println("[mlship validate] " + loaded.document().displayName() + " is valid for "
                + String.join(", ", environments) + (loaded.warnings().isEmpty() ? ""
                : " (" + loaded.warnings().size() + " warning" + (loaded.warnings().size() == 1 ? "" : "s") + ")"));
    }
}
