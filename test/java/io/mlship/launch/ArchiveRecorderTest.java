package io.mlship.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recording around the JVM's own work, with a stand-in java that does in milliseconds what a real one does in
 * 15-20 s: the training writes its class list, the dump writes the archive (or fails, as a JVM that cannot dump
 * does). The real JVM's recording is LauncherIT's and AgentLauncherIT's.
 */
class ArchiveRecorderTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private ArchiveRecorder recorder(boolean dumpFails) throws IOException {
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "for a in \"$@\"; do case \"$a\" in\n"
                + "  -Djava.io.tmpdir=*) [ -d \"${a#*=}\" ] || exit 3; touch \"${a#*=}/scratch\" ;;\n"
                + "  -XX:DumpLoadedClassList=*) echo java/lang/Object > \"${a#*=}\" ;;\n"
                + "  -Xshare:dump) " + (dumpFails ? "exit 1" : ":") + " ;;\n"
                + "  -XX:SharedArchiveFile=*) echo archive > \"${a#*=}\" ;;\n"
                + "esac; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new ArchiveRecorder(java, "cli.jar", new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theArchiveAppearsWholeAndNothingOfTheRecordingIsLeft() throws IOException {
        Path cds = Files.createDirectories(dir.resolve("cds"));
        Path archive = cds.resolve("mlship-agent-123.jsa");

        assertThat(recorder(false).record(archive)).isTrue();

        assertThat(names(cds)).containsExactly("mlship-agent-123.jsa", "mlship-agent-123.jsa.args");
        assertThat(Files.readString(archive)).isEqualTo("archive\n");
        assertThat(Files.readAllLines(cds.resolve("mlship-agent-123.jsa.args")))
                .isEqualTo(ArchiveRecorder.argsFor(archive, Runtime.version().feature()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cds.resolve("mlship-agent-123.jsa.args"))))
                .as("readable by the other users of a shared volume").isEqualTo("rw-r--r--");
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("recording a class-data-sharing archive in " + cds)
                .containsPattern("recorded mlship-agent-123\\.jsa in \\d+ s; later commands map it");
    }

    @Test
    void whatAKilledRecordingLeftIsRemovedOnceItIsAnHourOldAndAnotherAgentsRecordingIsLeftAlone() throws IOException {
        Path archive = dir.resolve("mlship-agent-5.jsa");
        Path abandoned = Files.createDirectories(dir.resolve("mlship-agent-5.jsa.123.partial.tmp/x"));
        Files.writeString(dir.resolve("mlship-agent-5.jsa.123.partial"), "half an archive");
        Files.writeString(dir.resolve("mlship-agent-5.jsa.456.partial"), "being written now");
        for (Path old : List.of(dir.resolve("mlship-agent-5.jsa.123.partial"), abandoned.getParent())) {
            Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        }

        assertThat(recorder(false).record(archive)).isTrue();

        assertThat(names(dir)).containsExactly("java", "mlship-agent-5.jsa", "mlship-agent-5.jsa.456.partial",
                "mlship-agent-5.jsa.args");
    }

    /** A build aborted while the recording runs: its JVM goes too, and nothing says this JVM cannot dump. */
    @Test
    void aStoppedRecordingStopsItsJvmAndLeavesNothingBehind() throws Exception {
        Path pidFile = dir.resolve("training.pid");
        Path java = dir.resolve("slow-java");
        Files.writeString(java, "#!/bin/sh\necho $$ > '" + pidFile + "'\nexec sleep 60\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cds = Files.createDirectories(dir.resolve("cds"));
        Process recorder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ArchiveRecorder.class.getName(),
                cds.resolve("mlship-agent-7.jsa").toString(), "--java", java.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("recorder.log").toFile()).start();
        try {
            // Up to 15 s for the recorder's JVM to start the training.
            for (int i = 0; i < 750 && !(Files.exists(pidFile) && Files.size(pidFile) > 0); i++) {
                Thread.sleep(20);
            }
            assertThat(pidFile).as("the training started").exists();
            long training = Long.parseLong(Files.readString(pidFile).trim());

            recorder.destroy(); // SIGTERM, as Jenkins stops a step

            assertThat(recorder.waitFor(20, TimeUnit.SECONDS)).as("the recorder stopped").isTrue();
            // Gone, or at most a zombie waiting for whoever inherited it to reap it: up to 10 s for that.
            ProcessHandle.of(training).ifPresent(h -> h.onExit().orTimeout(10, TimeUnit.SECONDS).join());
            assertThat(ProcessHandle.of(training).map(ProcessHandle::isAlive).orElse(false))
                    .as("the training's JVM stopped with it").isFalse();
            assertThat(names(cds)).as("no partial files, and no .failed marker").isEmpty();
        } finally {
            recorder.destroyForcibly();
        }
    }

    @Test
    void aJvmThatCannotDumpLeavesAMarkerAndNoPartialFile() throws IOException {
        Path archive = dir.resolve(".mlship-cds-9.jsa");

        assertThat(recorder(true).record(archive)).isFalse();

        assertThat(names(dir)).containsExactly(".mlship-cds-9.jsa.failed", "java");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("could not record the archive with this JVM")
                .contains("MLSHIP_CDS=off");
    }

    /** The options go to the JVM as an argument file: a path with a space or a backslash must reach it whole. */
    @Test
    void theArgumentFileGivesTheJvmTheArchiveWhateverItsPath() throws Exception {
        Path archive = Files.createDirectories(dir.resolve("a volume\\x")).resolve("mlship-1.jsa");
        Path args = Files.write(dir.resolve("archive.args"), ArchiveRecorder.argsFor(archive, 17));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "@" + args, "-XX:+PrintFlagsFinal", "-version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.lines().filter(l -> l.contains(" SharedArchiveFile ")).findFirst().orElse(""))
                .contains("= " + archive + " ");
    }

    @Test
    void jdks17To21MapTheArchiveWhereItWasDumpedAndLaterOnesAreNotGivenTheirRemovedOption() {
        Path archive = Path.of("/cache/mlship-1.jsa");
        assertThat(ArchiveRecorder.argsFor(archive, 17)).containsExactly("\"-XX:SharedArchiveFile=/cache/mlship-1.jsa\"",
                "-Xlog:cds*=off:stderr", "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");
        assertThat(ArchiveRecorder.argsFor(archive, 21)).contains("-XX:ArchiveRelocationMode=0");
        assertThat(ArchiveRecorder.argsFor(archive, 22)).noneMatch(a -> a.contains("ArchiveRelocationMode"));
    }

    @Test
    void olderArchivesOfTheSameFamilyGoAndOthersStay() throws IOException {
        Path jar = Files.writeString(dir.resolve("cli.jar"), "jar");
        Path archive = dir.resolve(".mlship-cds-new.jsa");
        Files.writeString(archive, "new");
        Instant jarTime = Instant.now().minus(Duration.ofHours(1));
        Files.setLastModifiedTime(jar, FileTime.from(jarTime));
        for (String old : List.of(".mlship-cds-old.jsa", ".mlship-cds-old.jsa.args", ".mlship-cds-old.jsa.failed",
                "mlship-agent-old.jsa")) {
            Files.writeString(dir.resolve(old), "old");
            Files.setLastModifiedTime(dir.resolve(old), FileTime.from(jarTime.minus(Duration.ofDays(1))));
        }
        Files.writeString(dir.resolve(".mlship-cds-other-jvm.jsa"), "recorded after the jar");

        recorder(false).removeOthers(archive, jar, null);

        assertThat(names(dir)).containsExactly(".mlship-cds-new.jsa", ".mlship-cds-other-jvm.jsa", "cli.jar",
                "java", "mlship-agent-old.jsa");
    }

    @Test
    void archivesUnusedForTheDaysGivenGo() throws IOException {
        Path archive = dir.resolve("mlship-agent-new.jsa");
        Files.writeString(archive, "new");
        Files.writeString(dir.resolve("mlship-agent-week-old.jsa"), "old");
        Files.setLastModifiedTime(dir.resolve("mlship-agent-week-old.jsa"),
                FileTime.from(Instant.now().minus(Duration.ofDays(8))));
        Files.writeString(dir.resolve("mlship-agent-yesterday.jsa"), "recent");
        Files.setLastModifiedTime(dir.resolve("mlship-agent-yesterday.jsa"),
                FileTime.from(Instant.now().minus(Duration.ofDays(1))));

        recorder(false).removeOthers(archive, null, 7);

        assertThat(names(dir)).containsExactly("java", "mlship-agent-new.jsa", "mlship-agent-yesterday.jsa");
    }

    @Test
    void theCommandLineNamesWhatIsWrong() {
        assertThat(ArchiveRecorder.Options.parse(new String[] {"a/x-1.jsa", "--remove-after-days", "7"}))
                .isEqualTo(new ArchiveRecorder.Options(Path.of("a/x-1.jsa"), null, null, 7));
        assertThatThrownBy(() -> ArchiveRecorder.Options.parse(new String[] {"x.txt"}))
                .hasMessageContaining("a file ending in .jsa");
        assertThatThrownBy(() -> ArchiveRecorder.Options.parse(new String[] {"x.jsa", "--remove-after-days", "week"}))
                .hasMessageContaining("not 'week'");
        assertThatThrownBy(() -> ArchiveRecorder.Options.parse(new String[] {"x.jsa", "--java"}))
                .hasMessageContaining("--java needs a value");
        assertThatThrownBy(() -> ArchiveRecorder.Options.parse(new String[] {"x.jsa", "--remove-older-than", "j",
                "--remove-after-days", "1"})).hasMessageContaining("go alone");
    }
}
