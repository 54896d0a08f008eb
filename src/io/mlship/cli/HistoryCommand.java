package io.mlship.cli;

import io.mlship.spec.EnvironmentView;
import io.mlship.state.History;
import io.mlship.state.HistoryReport;
import io.mlship.state.Journal;
import io.mlship.state.StateStore;
import io.mlship.state.StateStores.Target;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "history", mixinStandardHelpOptions = true, versionProvider = MlshipCommand.Version.class,
        header = "Show what served in one environment and how it changed.",
        description = "Lists the releases, rollbacks and other changes of what serves, oldest first, from the "
                + "environment's release journal; with --at, what served at that instant. Reads only. Exit 0 also "
                + "when nothing is recorded.")
final class HistoryCommand extends SpecCommand {
    @Option(names = "--env", paramLabel = "ENV", required = true, description = "The environment whose history to show.")
    String env;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--at", paramLabel = "TIME", description = "Show what served at this ISO-8601 instant, e.g. 2026-12-04T10:00:00Z.")
    String at;

    @Option(names = "--json", arity = "0..1", description = "Print the result as JSON instead of a table.")
    boolean json;


    @Option(names = "--sandbox", paramLabel = "DIR", description = "Read the state kept on the sandbox started with mlship sandbox up --state DIR.")
    java.nio.file.Path sandbox;

    @Override
    String name() {
        return "history";
    }

    @Override
    void execute(Map<String, Object> result) throws Exception {
        Instant instant = HistoryReport.instant(at, "--at");
        EnvironmentView environment = EnvironmentView.of(specOptions.load(context().specLoader()), env);
        Target target = cluster.stateTarget(besideSpec(specOptions.spec).getParent());
        try (StateStore store = Adapters.choose(sandbox, context().err()).states().open(environment, target)) {
            History history = History.of(new Journal(store, context().json(), Clock.systemUTC()));
            HistoryReport report = new HistoryReport(history, env, store.where(), instant);
            result.putAll(report.fields());
            context().out().print(json ? context().json().writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n"
                    : report.text());
            context().out().flush();
        }
    }
}
