package io.mlship.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.kube.lock.LeaseLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the prose of the user docs (README.md, docs/, vars/*.txt and the step metadata they come from) names must
 * exist: steps, result fields written as "mlBuildImage's `digest`", and the Lease a release takes.
 */
class DocsProseTest {
    /** A step name as the docs write it: mlSomething. */
    private static final Pattern STEP = Pattern.compile("\\bml[A-Z][A-Za-z]+\\b");
    /** "mlBuildImage's `digest`", "mlCheckCommits' `failures`". */
    private static final Pattern FIELD = Pattern.compile("\\b(ml[A-Z][A-Za-z]+)'s? (?:<code>|`)([A-Za-z]+)(?:</code>|`)");
    /** The Lease named with placeholders: `mlship-release-<service>-<env>`, also HTML-escaped. */
    private static final Pattern LEASE = Pattern.compile("mlship-release(?:-<[a-z]+>)+");

    private final Map<String, StepMetadata> steps = new TreeMap<>();

    DocsProseTest() throws IOException {
        for (StepMetadata s : new StepReference(new ObjectMapper()).load(Path.of("resources/io/mlship/steps"))) {
            steps.put(s.name(), s);
        }
    }

    @Test
    void everyStepNamedInTheDocsExists() throws IOException {
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<Path, String> doc : docs().entrySet()) {
            Matcher m = STEP.matcher(doc.getValue());
            while (m.find()) {
                if (!steps.containsKey(m.group())) {
                    unknown.add(doc.getKey() + ": " + m.group());
                }
            }
        }
        assertThat(unknown).as("steps named in the docs that do not exist (steps: %s)", steps.keySet()).isEmpty();
    }

    @Test
    void everyResultFieldNamedInTheDocsIsOneTheStepReturns() throws IOException {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<Path, String> doc : docs().entrySet()) {
            Matcher m = FIELD.matcher(doc.getValue());
            while (m.find()) {
                StepMetadata step = steps.get(m.group(1));
                if (step == null) {
                    continue; // reported by everyStepNamedInTheDocsExists
                }
                checked++;
                if (step.results().stream().noneMatch(r -> r.name().equals(m.group(2)))) {
                    wrong.add(doc.getKey() + ": " + m.group() + " (" + m.group(1) + " returns "
                            + step.results().stream().map(StepMetadata.Result::name).toList() + ")");
                }
            }
        }
        assertThat(checked).as("the docs name result fields this test can see").isGreaterThan(3);
        assertThat(wrong).isEmpty();
    }

    @Test
    void theLeaseIsNamedAsTheCliNamesIt() throws IOException {
        String lease = LeaseLock.leaseName("<service>", "<env>");
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<Path, String> doc : docs().entrySet()) {
            Matcher m = LEASE.matcher(doc.getValue().replace("&lt;", "<").replace("&gt;", ">"));
            while (m.find()) {
                checked++;
                if (!m.group().equals(lease)) {
                    wrong.add(doc.getKey() + ": " + m.group());
                }
            }
        }
        assertThat(checked).isGreaterThan(2);
        assertThat(wrong).as("the CLI's Lease is %s", lease).isEmpty();
    }

    @Test
    void theCheckerSeesAWrongFieldAndAnUnknownStep() {
        Matcher field = FIELD.matcher("Digest (mlBuildImage's `imageDigest`), from mlBuild");
        assertThat(field.find()).isTrue();
        assertThat(steps.get(field.group(1)).results().stream().map(StepMetadata.Result::name)).doesNotContain(field.group(2));
        Matcher step = STEP.matcher("from mlBuild");
        assertThat(step.find() && !steps.containsKey(step.group())).isTrue();
    }

    /** The user docs and the metadata they are generated from, by path. */
    static Map<Path, String> docs() throws IOException {
        Map<Path, String> out = new TreeMap<>();
        out.put(Path.of("README.md"), Files.readString(Path.of("README.md")));
        for (String dir : List.of("docs", "vars", "resources/io/mlship/steps")) {
            try (Stream<Path> files = Files.walk(Path.of(dir))) {
                for (Path f : files.filter(f -> f.toString().matches(".*\\.(md|txt|json)")).sorted().toList()) {
                    out.put(f, Files.readString(f));
                }
            }
        }
        return out;
    }
}
