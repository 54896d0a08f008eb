package io.mlship.spec;

import static io.mlship.fuzz.LineMutations.flip;
import static io.mlship.fuzz.LineMutations.indentOf;
import static io.mlship.fuzz.LineMutations.insert;
import static io.mlship.fuzz.LineMutations.reindent;
import static io.mlship.fuzz.LineMutations.replaceKey;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mlship.kube.manifest.PodImage;
import io.mlship.kube.manifest.ManifestRenderer;
import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import io.mlship.result.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutation fuzzing of the spec loader: every fixture spec, mutated line- and byte-wise with values
 * chosen to hit edge cases (huge numbers, YAML tags and aliases, control characters, path tricks), must either
 * load or be refused with our own bad-input error — never any other exception. A loaded spec must also render.
 * Deterministic: the same seed gives the same inputs, and a failing input is printed whole to reproduce it.
 * Explore further with {@code mvn test -Dtest=SpecLoaderFuzzTest -DargLine="-Dmlship.fuzz.seed=S -Dmlship.fuzz.iterations=N"}.
 */
class SpecLoaderFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("mlship.fuzz.iterations", 40_000);
    private static final long SEED = Long.getLong("mlship.fuzz.seed", 20261122L);

    private static final String[] VALUES = {
        "-1", "0", "1", "65536", "99999999999999999999999", "1e309", "-0.0", ".inf", ".nan", "0x1F", "0o17",
        "null", "~", "\"\"", "[]", "{}", "[1, [2, [3]]]", "{a: {b: {c: d}}}", "true", "yes", "off",
        "\"${HOME}\"", "'$(id)'", "\"`id`\"", "\"a\\nb\"", "\"\\u0000\"", "\"\\t\"", "x".repeat(300),
        "../../etc/passwd", "/etc", "~/x", "src/../..", "C:\\\\x", "*nope", "&anchor v", "!!binary AAAA",
        "!!python/object/apply:os.system ['id']", "!!int x", "2026-01-01", "\"%\"", "\"999%\"", "\"50%\"",
        "sha256:", "python@sha256:zz", "{registryProject}", "\"{\"", "\"}{\"", "\"{a}{b}\"", "gs://", "gs://B/x",
        "Reco_Service", "-bad-", "a.b", "\"é\"", "\"\uD83D\uDE80\"", "[service, vertex, service]", "1s", "0ms", "9999h",
    };
    private static final String[] KEYS = {
        "apiVersion", "service", "name", "image", "deploy", "model", "smoke", "environments", "staging", "overrides",
        "replicas", "ingress", "tls", "autoscaling", "minReplicas", "maxReplicas", "disruptionBudget", "minAvailable",
        "maxUnavailable", "rollout", "timeout", "maxSurge", "port", "env", "labels", "aliases", "prod", "candidate",
        "thresholds", "p95", "p99", "load", "requests", "duration", "targets", "projects", "host", "python", "app",
        "extraFiles", "from", "to", "mode", "<<", "?", "unknownKey", "",
    };
    private static final String[] STRUCTURE = {"---", "...", "- ", "? ", ": ", "|", ">-", "&a ", "*a", "<<: *a", "[", "]", "{", "}", "#", "\t", "%YAML 1.2"};

    @TempDir
    Path repo;

    @Test
    void mutatedSpecsLoadOrAreRefusedWithOurOwnError() throws IOException {
        SpecFixtures.repoIn(repo);
        // The example's spec is a seed too: give its paths something to point at in this repository.
        Files.createDirectories(repo.resolve("training-output/reco-ranker/v2"));
        Files.writeString(repo.resolve("smoke/prediction-cases.yaml"), "[]\n");
        List<String> seeds = seeds();
        SpecParser parser = new SpecParser();
        SpecLoader loader = new SpecLoader(new ObjectMapper());
        ManifestRenderer renderer = new ManifestRenderer();
        Random random = new Random(SEED);
        int loaded = 0;
        int refused = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            // Half the inputs start from a valid spec, so mutations get past the schema into the rules and rendering.
            String seed = random.nextBoolean() ? seeds.get(random.nextInt(2)) : seeds.get(random.nextInt(seeds.size()));
            String input = mutate(seed, random);
            try {
                LoadedSpec spec = loader.resolve(parser.parse("mlship.yaml", input.getBytes(StandardCharsets.UTF_8),
                        repo.resolve("mlship.yaml"), repo));
                spec.problems().forEach(SpecLoaderFuzzTest::wellFormed);
                if (spec.isValid()) {
                    loaded++;
                    spec.environments().forEach((env, release) ->
                            renderer.render(new EnvironmentView(env, release, release.environments().get(env)),
                                    PodImage.preview("example.com/x", "t")));
                } else {
                    refused++;
                }
            } catch (MlshipException e) {
                assertThat(e.category()).as("category for input #%d:%n%s", i, input).isEqualTo(ErrorCategory.BAD_INPUT);
                assertThat(e.problems()).as("problems for input #%d", i).isNotEmpty();
                e.problems().forEach(SpecLoaderFuzzTest::wellFormed);
                refused++;
            } catch (Throwable t) {
                throw new AssertionError("input #" + i + " (seed " + SEED + ") raised " + t + "\n--- input ---\n" + input, t);
            }
        }
        System.out.printf("spec fuzz: %d inputs, %d loaded, %d refused with problems (seed %d)%n", ITERATIONS, loaded, refused, SEED);
        assertThat(loaded + refused).isEqualTo(ITERATIONS);
        // Mutations must not all break the YAML: a good share has to reach the schema and the rules.
        assertThat(loaded).isGreaterThan(ITERATIONS / 50);
    }

    private static void wellFormed(Problem p) {
        assertThat(p.message()).isNotBlank();
        assertThat(p.path()).isNotNull();
        assertThat(p.line()).isNotNegative();
    }

    private static List<String> seeds() throws IOException {
        List<String> seeds = new ArrayList<>();
        seeds.add(SpecFixtures.validSpec());
        seeds.add(Files.readString(Path.of("examples/reco-service/mlship.yaml")));
        try (Stream<Path> broken = Files.list(SpecFixtures.ROOT.resolve("broken"))) {
            for (Path p : broken.sorted().toList()) {
                seeds.add(Files.readString(p));
            }
        }
        return seeds;
    }

    private static String mutate(String seed, Random r) {
        List<String> lines = new ArrayList<>(Arrays.asList(seed.split("\n", -1)));
        int mutations = 1 + r.nextInt(2);
        for (int m = 0; m < mutations && !lines.isEmpty(); m++) {
            int at = r.nextInt(lines.size());
            String line = lines.get(at);
            switch (r.nextInt(9)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> lines.set(at, replaceValue(line, VALUES[r.nextInt(VALUES.length)]));
                case 3 -> lines.set(at, replaceKey(line, KEYS[r.nextInt(KEYS.length)]));
                case 4 -> lines.set(at, reindent(line, r));
                case 5 -> lines.add(at, indentOf(line) + KEYS[r.nextInt(KEYS.length)] + ": " + VALUES[r.nextInt(VALUES.length)]);
                case 6 -> lines.set(at, insert(line, STRUCTURE[r.nextInt(STRUCTURE.length)], r));
                case 7 -> lines.set(at, flip(line, r));
                default -> {
                    int other = r.nextInt(lines.size());
                    lines.set(at, lines.get(other));
                    lines.set(other, line);
                }
            }
        }
        String out = String.join("\n", lines);
        return r.nextInt(20) == 0 && !out.isEmpty() ? out.substring(0, r.nextInt(out.length())) : out;
    }

    private static String replaceValue(String line, String value) {
        int colon = line.indexOf(": ");
        if (colon >= 0) {
            return line.substring(0, colon + 2) + value;
        }
        int dash = line.indexOf("- ");
        return dash >= 0 ? line.substring(0, dash + 2) + value : line + " " + value;
    }
}
