package io.mlship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent image's {@code mlship} on a folder laid out as Jib's packaged mode lays out {@code /app}: the project's
 * jar in classpath/, the rest in libs/, the class path in jib-classpath-file, every file with Jib's one
 * modification time. Here the packaged CLI jar stands in for the libraries and a small jar for the project's own.
 */
class AgentLauncherIT {
    static final Path LAUNCHER = Path.of("agent-image/usr/local/bin/mlship").toAbsolutePath();
    static final String SPEC = Path.of("examples/reco-service/mlship.yaml").toAbsolutePath().toString();
    static final FileTime JIB_TIME = FileTime.fromMillis(1000);

    @TempDir
    static Path dir;
    static Path app;

    record Run(int exit, String err) {
    }

    @BeforeAll
    static void layOutTheApp() throws IOException {
        app = Files.createDirectories(dir.resolve("app"));
        Path libs = Files.createDirectories(app.resolve("libs"));
        try (Stream<Path> built = Files.list(Path.of("target"))) {
            Path packaged = built.filter(p -> p.getFileName().toString().matches("mlship-.*-cli\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no target/mlship-*-cli.jar: run through 'mvn verify'"));
            Files.setLastModifiedTime(Files.copy(packaged, libs.resolve("mlship-cli.jar")), JIB_TIME);
        }
        Files.createDirectories(app.resolve("classpath"));
        ownJar("build 1");
        Files.writeString(app.resolve("jib-classpath-file"), app.resolve("classpath") + "/*:" + libs.resolve("mlship-cli.jar"));
    }

    /** The project's own jar as Jib lays it out: the same size and time whatever {@code id} (7 characters) says. */
    static void ownJar(String id) throws IOException {
        Path jar = app.resolve("classpath/mlship.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            JarEntry entry = new JarEntry("build-id.txt");
            entry.setTime(JIB_TIME.toMillis());
            out.putNextEntry(entry);
            out.write(id.getBytes(StandardCharsets.US_ASCII));
        }
        Files.setLastModifiedTime(jar, JIB_TIME);
    }

    @Test
    void withoutACacheVolumeItRecordsNothingAndRuns() throws Exception {
        Run run = launch(Map.of());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("recording").contains("is valid");
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.filter(p -> p.toString().endsWith(".jsa"))).isEmpty();
        }
    }

    @Test
    void aCacheVolumeItCannotWriteIsNamedAndTheCommandStillRuns() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("not-a-folder"), "");
        Run run = launch(Map.of("MLSHIP_CACHE_DIR", notAFolder.resolve("cache").toString()));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("cannot write " + notAFolder.resolve("cache/cds") + " (MLSHIP_CACHE_DIR)")
                .contains("MLSHIP_CDS=off").doesNotContain("recording").contains("is valid");
    }

    @Test
    void onTheCacheVolumeTheFirstRunRecordsAndLaterRunsLoadFromTheArchive() throws Exception {
        Path volume = dir.resolve("volume");
        Run first = launch(Map.of("MLSHIP_CACHE_DIR", volume.toString()));
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.err()).contains("recording a class-data-sharing archive in " + volume.resolve("cds"));
        assertThat(files(volume, ".jsa")).hasSize(1);

        Path loaded = dir.resolve("loaded.txt");
        Run second = launch(Map.of("MLSHIP_CACHE_DIR", volume.toString(),
                "MLSHIP_JAVA_OPTS", "-Xlog:class+load=info:file=" + loaded));
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.err()).doesNotContain("recording").contains("is valid");
        List<String> lines = Files.readAllLines(loaded);
        assertThat(lines).anyMatch(l -> l.contains(" picocli.CommandLine source: shared objects file"));
        assertThat(lines).anyMatch(l -> l.contains(" io.mlship.cli.ValidateCommand source: shared objects file"));
        String archive = files(volume, ".jsa").get(0).getFileName().toString();
        try (Stream<Path> archives = Files.list(volume.resolve("cds")); Stream<Path> volumeFiles = Files.list(volume)) {
            assertThat(archives.map(p -> p.getFileName().toString()))
                    .as("nothing left of the recording but the archive and its options")
                    .containsExactlyInAnyOrder(archive, archive + ".args");
            assertThat(volumeFiles).as("the training's builds keep their layers to themselves")
                    .containsExactly(volume.resolve("cds"));
        }
    }

    /**
     * Jib gives every file one time, and a rebuilt jar may keep its size: the JVM would take an archive of the old
     * jar for the new one. The archive's name follows the jar's content, so another build records its own.
     */
    @Test
    void anotherBuildOfTheJarWithTheSameSizeAndTimeGetsItsOwnArchive() throws Exception {
        Path volume = dir.resolve("volume-keyed");
        // Recording is not what this test is about: the training run fails at once, which leaves a marker named by key.
        Map<String, String> env = new HashMap<>(FakeJava.failingOn(dir.resolve("jdk"), "-XX:DumpLoadedClassList="));
        env.put("MLSHIP_CACHE_DIR", volume.toString());
        try {
            Run first = launch(env);
            assertThat(first.exit()).as(first.err()).isZero();
            assertThat(first.err()).contains("could not record the archive with this JVM");
            Run again = launch(env);
            assertThat(again.err()).doesNotContain("recording");
            long size = Files.size(app.resolve("classpath/mlship.jar"));

            ownJar("build 2");
            assertThat(Files.size(app.resolve("classpath/mlship.jar"))).isEqualTo(size);
            Run rebuilt = launch(env);
            assertThat(rebuilt.exit()).as(rebuilt.err()).isZero();
            assertThat(rebuilt.err()).contains("recording");
            assertThat(files(volume, ".failed")).hasSize(2);
        } finally {
            ownJar("build 1");
        }
    }

    /** An archive gone from the volume without its options (removed by hand) is recorded again, not passed on. */
    @Test
    void anArchiveGoneWithoutItsOptionsIsRecordedAgain() throws Exception {
        Path volume = dir.resolve("volume-gone");
        Map<String, String> env = new HashMap<>(FakeJava.failingOn(dir.resolve("jdk"), "-XX:DumpLoadedClassList="));
        env.put("MLSHIP_CACHE_DIR", volume.toString());
        assertThat(launch(env).err()).contains("could not record the archive with this JVM");
        FakeJava.optionsWithoutArchive(files(volume, ".failed").get(0));

        Run run = launch(env);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err()).contains("could not record the archive with this JVM").contains("is valid");
    }

    private Run launch(Map<String, String> env) throws Exception {
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(LAUNCHER.toString(), "validate", "--spec", SPEC,
                "--result-dir", dir.resolve("out").toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        Map<String, String> environment = new HashMap<>(env);
        environment.put("MLSHIP_APP_DIR", app.toString());
        pb.environment().remove("MLSHIP_JAVA_OPTS");
        pb.environment().remove("MLSHIP_CDS");
        pb.environment().remove("MLSHIP_CACHE_DIR");
        pb.environment().putAll(environment);
        Process p = pb.start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the agent image's mlship validate did not finish within 3 minutes");
        }
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static List<Path> files(Path volume, String suffix) throws IOException {
        try (Stream<Path> all = Files.list(volume.resolve("cds"))) {
            return all.filter(p -> p.getFileName().toString().startsWith("mlship-agent-")
                    && p.getFileName().toString().endsWith(suffix)).toList();
        }
    }
}
