package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/mlship}, the launcher every Jenkins step runs, with the packaged CLI jar (so after {@code package}:
 * failsafe runs it). Each test works on its own copy of the jar, so the class-data-sharing archive it records
 * lands beside that copy, not in target/.
 */
class LauncherIT {
    static final Path LAUNCHER = Path.of("bin/mlship").toAbsolutePath();
    static final String SPEC = Path.of("examples/reco-service/mlship.yaml").toAbsolutePath().toString();

    @TempDir
    Path dir;
    Path jar;

    record Run(int exit, String err) {
    }

    @BeforeEach
    void copyTheJar() throws IOException {
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            Path packaged = built.filter(p -> p.getFileName().toString().matches("mlship-.*-cli\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/mlship-*-cli.jar: run through 'mvn verify'"));
            jar = Files.copy(packaged, dir.resolve(packaged.getFileName()));
        }
    }

    @Test
    void theFirstRunDumpsAnArchiveThatLaterRunsLoadPicocliAndTheCommandsFrom() throws Exception {
        Run first = launch(Map.of());
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("recording a class-data-sharing archive");
        assertThat(files(".jsa")).hasSize(1);

        Path loaded = dir.resolve("loaded.txt");
        Run second = launch(Map.of("MLSHIP_JAVA_OPTS", "-Xlog:class+load=info:file=" + loaded));
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).doesNotContain("recording");
        // picocli's classes are compiled for Java 5: only a static dump takes them, which is why the launcher dumps one.
        List<String> lines = Files.readAllLines(loaded);
        assertThat(lines).anyMatch(l -> l.contains(" picocli.CommandLine source: shared objects file"));
        assertThat(lines).anyMatch(l -> l.contains(" io.mlship.cli.ValidateCommand source: shared objects file"));
    }

    @Test
    void aJvmThatCannotDumpIsNotedOnceAndTheCommandStillRuns() throws Exception {
        Map<String, String> env = FakeJava.failingOn(dir.resolve("jdk"), "-Xshare:dump");

        Run first = launch(env);
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("could not record the archive with this JVM");
        assertThat(files(".failed")).hasSize(1);
        assertThat(files(".jsa")).isEmpty();

        Run second = launch(env);
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).doesNotContain("recording").contains("is valid");
    }

    /**
     * A JVM updated in place keeps its path; the JVM would refuse the old archive without a word, and nothing would
     * record a new one. The key holds the libjvm.so, so the update is noticed.
     */
    @Test
    void aJvmUpdatedInPlaceGetsItsOwnArchive() throws Exception {
        Path javaHome = dir.resolve("jdk");
        Path libjvm = Files.createDirectories(javaHome.resolve("lib/server")).resolve("libjvm.so");
        Files.writeString(libjvm, "build 1");
        // Recording is not what this test is about: the training fails at once, which leaves a marker named by key.
        Map<String, String> env = FakeJava.failingOn(javaHome, "-XX:DumpLoadedClassList=");

        assertThat(launch(env).err()).contains("could not record the archive with this JVM");
        assertThat(launch(env).err()).doesNotContain("recording");
        Files.writeString(libjvm, "build 2");
        Files.setLastModifiedTime(libjvm, FileTime.fromMillis(Files.getLastModifiedTime(libjvm).toMillis() + 60_000));
        Run updated = launch(env);
        assertThat(updated.exit()).as(updated.err()).isZero();
        assertThat(updated.err()).contains("recording");
        assertThat(files(".failed")).hasSize(2);
    }

    /**
     * An archive removed on its own (by hand, or by a launcher older than the options file) leaves options that name
     * nothing, which the JVM ignores without a word: the launcher records again rather than pass them.
     */
    @Test
    void anArchiveGoneWithoutItsOptionsIsRecordedAgain() throws Exception {
        // The training fails at once: the attempt, not a real recording, is what shows the launcher tried.
        Map<String, String> env = FakeJava.failingOn(dir.resolve("jdk"), "-XX:DumpLoadedClassList=");
        assertThat(launch(env).err()).contains("could not record the archive with this JVM");
        FakeJava.optionsWithoutArchive(files(".failed").get(0));

        Run run = launch(env);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("could not record the archive with this JVM").contains("is valid");
    }

    @Test
    void switchedOffItRecordsNothing() throws Exception {
        Run run = launch(Map.of("MLSHIP_CDS", "off"));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("recording");
        assertThat(files(".jsa")).isEmpty();
    }

    @Test
    void helpWithoutATerminalListsEveryCommandWithItsWholeSummaryOnOneLine() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "--help")
                .redirectOutput(dir.resolve("help.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("MLSHIP_JAR", jar.toString());
        pb.environment().remove("COLUMNS"); // as in a Jenkins build: no terminal, no width given
        Process p = pb.start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("bin/mlship --help finished").isTrue();
        List<String> lines = Files.readAllLines(dir.resolve("help.txt"));

        assertThat(p.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
        assertThat(lines).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(HelpLayout.FALLBACK_WIDTH));
        for (Map.Entry<String, Class<?>> command : MlshipCommand.SUBCOMMANDS) {
            assertThat(lines).as("%s listed with a one-sentence summary", command.getKey())
                    .anyMatch(l -> l.matches("  " + command.getKey() + " +\\p{Lu}[^.]*\\."));
        }
    }

    private Run launch(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "validate", "--spec", SPEC,
                "--result-dir", dir.resolve("out").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().put("MLSHIP_JAR", jar.toString());
        pb.environment().remove("MLSHIP_JAVA_OPTS");
        pb.environment().remove("MLSHIP_CDS");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("bin/mlship validate did not finish within 3 minutes");
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    private List<Path> files(String suffix) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> p.getFileName().toString().startsWith(".mlship-cds-")
                    && p.getFileName().toString().endsWith(suffix)).toList();
        }
    }
}
