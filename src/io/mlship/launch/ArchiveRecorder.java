package io.mlship.launch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Records the launchers' class-data-sharing archive: a training run of every command ({@link CdsTraining}) lists
 * the classes they load, then the JVM dumps them, parsed and verified, into one file that later starts map. It is a
 * static dump, not an archive recorded at exit, because only a static dump takes classes compiled for Java 5
 * (picocli's). The three launchers (bin/mlship, the agent image's and the Jenkins steps' jar mode) each choose where
 * the archive lives and what it is keyed by; this does the rest, the same for all: scratch files of its own (several
 * agents sharing a volume may record at once, and the archive appears whole, by a rename), a {@code .failed} marker
 * when this JVM cannot dump, so later runs do not try again, and older archives beside it removed.
 *
 * <p>Beside the archive it writes {@code ARCHIVE.args}, the JVM options that map it, for the launchers to pass as
 * {@code @ARCHIVE.args}: the archive appears to them only with the options it needs, and the choice of options,
 * which depends on the JVM, is made here once rather than in every launcher's shell.
 */
public final class ArchiveRecorder {
    /** Each JVM run of the recording; a training of every command takes 15-20 s on 2 cores. */
    static final Duration STEP_TIMEOUT = Duration.ofMinutes(5);

    private final Path java;
    private final String classPath;
    private final PrintStream log;
    /** Held while a JVM of the recording starts: the shutdown hook waits for it, then sees that JVM in current. */
    private final Object starting = new Object();
    /** The JVM the recording runs now, stopped with it. */
    private volatile Process current;
    /** Set when this process is being stopped: the recording is abandoned, not failed. */
    private volatile boolean stopping;

    ArchiveRecorder(Path java, String classPath, PrintStream log) {
        this.java = java;
        this.classPath = classPath;
        this.log = log;
    }

    /**
     * {@code ArchiveRecorder ARCHIVE [--java JAVA] [--remove-older-than FILE | --remove-after-days N]}: records
     * ARCHIVE with JAVA (default: the JVM running this) and this JVM's class path. Other archives of the same
     * family in its folder (named as it is up to the last '-') go when they are older than FILE or N days old.
     * Exits 0 when the archive is there, 1 when it could not be recorded (the launcher then runs without it).
     */
    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("[mlship] ArchiveRecorder: " + e.getMessage());
            System.exit(2);
            return;
        }
        Path java = options.java != null ? options.java
                : ProcessHandle.current().info().command().map(Path::of).orElse(Path.of("java"));
        ArchiveRecorder recorder = new ArchiveRecorder(java, System.getProperty("java.class.path"), System.err);
        boolean recorded = recorder.record(options.archive);
        if (recorded) {
            recorder.removeOthers(options.archive, options.olderThan, options.afterDays);
        }
        System.exit(recorded ? 0 : 1);
    }

    /**
     * Records the archive and its options; false (and the .failed marker) when this JVM could not. A recording
     * stopped half-way (the build aborted, the pod deleted) stops its JVM and removes its files on the way out, and
     * is not taken for a JVM that cannot dump: the next command records again.
     */
    boolean record(Path archive) {
        Path folder = archive.toAbsolutePath().getParent();
        removeAbandoned(folder, archive);
        long started = System.nanoTime();
        log.println("[mlship] first run of this CLI with this JVM: recording a class-data-sharing archive in " + folder
                + " (once; 15-20 s on 2 cores)");
        Path partial;
        try {
            partial = Files.createTempFile(folder, archive.getFileName() + ".", ".partial");
        } catch (IOException e) {
            log.println("[mlship] cannot write " + folder + ": " + e.getMessage() + "; running without the archive");
            return false;
        }
        Path classes = Path.of(partial + ".classes");
        // The training's own temporary folder sits beside the archive: a pod with a read-only root may have no /tmp.
        Path scratch = Path.of(partial + ".tmp");
        Thread onStop = new Thread(() -> {
            Process running;
            synchronized (starting) {
                stopping = true;
                running = current;
            }
            if (running != null) {
                try {
                    // Waited for, so it writes nothing after its files are removed.
                    running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            removeQuietly(partial, classes, scratch);
        }, "mlship-archive-recording-stopped");
        Runtime.getRuntime().addShutdownHook(onStop);
        try {
            Files.createDirectory(scratch);
            boolean made = run(List.of(java.toString(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Xlog:disable", "-Djava.io.tmpdir=" + scratch, "-XX:DumpLoadedClassList=" + classes,
                    "-cp", classPath, CdsTraining.class.getName()))
                    && run(List.of(java.toString(), "-XX:+UseSerialGC", "-Xlog:disable", "-Xshare:dump",
                    "-XX:SharedClassListFile=" + classes, "-XX:SharedArchiveFile=" + partial, "-cp", classPath))
                    && Files.size(partial) > 0;
            if (made) {
                moveIntoPlace(partial, archive);
                writeArgs(archive);
                log.println("[mlship] recorded " + archive.getFileName() + " in "
                        + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s; later commands map it");
                return true;
            }
        } catch (IOException e) {
            log.println("[mlship] " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        } finally {
            removeQuietly(partial, classes, scratch);
            try {
                Runtime.getRuntime().removeShutdownHook(onStop);
            } catch (IllegalStateException e) {
                // Already stopping: the hook runs.
            }
        }
        if (stopping) {
            return false;
        }
        try {
            Files.write(Path.of(archive + ".failed"), new byte[0]);
        } catch (IOException e) {
            // Not noted: the next run tries again, which costs time but nothing else.
        }
        log.println("[mlship] could not record the archive with this JVM; running without it "
                + "(MLSHIP_CDS=off skips the attempt)");
        return false;
    }

    /**
     * Files of this archive's recordings that were killed before their shutdown hook ran (SIGKILL, a node lost): an
     * hour is far beyond a recording's two timed steps, so nothing that old is still being written.
     */
    void removeAbandoned(Path folder, Path archive) {
        Instant cutoff = Instant.now().minus(Duration.ofHours(1));
        List<Path> abandoned = new ArrayList<>();
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(folder, archive.getFileName() + ".*.partial*")) {
            for (Path sibling : siblings) {
                if (Files.getLastModifiedTime(sibling).toInstant().isBefore(cutoff)) {
                    abandoned.add(sibling);
                }
            }
        } catch (IOException e) {
            return; // the recording itself will say what is wrong with the folder
        }
        abandoned.forEach(ArchiveRecorder::removeQuietly);
    }

    /** The JVM options that map the archive, as the lines of a {@code java @file}. */
    static List<String> argsFor(Path archive, int jvmFeature) {
        List<String> args = new ArrayList<>();
        args.add(quoted("-XX:SharedArchiveFile=" + archive.toAbsolutePath()));
        // Notes about classes it could not archive are not the command's business.
        args.add("-Xlog:cds*=off:stderr");
        if (jvmFeature >= 17 && jvmFeature <= 21) {
            // Mapped where it was dumped instead of relocating every pointer in it, which JDK 17's updates and 21 do
            // by default: tens of milliseconds on every start. The (diagnostic) option exists in JDK 17-21 only.
            args.add("-XX:+UnlockDiagnosticVMOptions");
            args.add("-XX:ArchiveRelocationMode=0");
        }
        return args;
    }

    private static void writeArgs(Path archive) throws IOException {
        Path args = Path.of(archive + ".args");
        Path partial = Files.createTempFile(args.getParent(), args.getFileName() + ".", ".partial");
        try {
            Files.write(partial, argsFor(archive, Runtime.version().feature()));
            // Readable by every user, as the archive is: pods of other users may share the volume.
            Files.setPosixFilePermissions(partial, PosixFilePermissions.fromString("rw-r--r--"));
            moveIntoPlace(partial, args);
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** An argument file's quoting: in double quotes, a backslash escapes the next character. */
    private static String quoted(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** Removes the family's other archives (and failure markers) older than {@code olderThan} or than the days given. */
    void removeOthers(Path archive, Path olderThan, Integer afterDays) {
        String name = archive.getFileName().toString();
        String family = name.substring(0, name.lastIndexOf('-') + 1);
        try {
            Instant cutoff;
            if (olderThan != null) {
                cutoff = Files.getLastModifiedTime(olderThan).toInstant();
            } else if (afterDays != null) {
                cutoff = Instant.now().minus(Duration.ofDays(afterDays));
            } else {
                return;
            }
            List<Path> old = new ArrayList<>();
            try (DirectoryStream<Path> siblings = Files.newDirectoryStream(archive.toAbsolutePath().getParent(),
                    family + "*")) {
                for (Path sibling : siblings) {
                    String other = sibling.getFileName().toString();
                    boolean archiveOrMarker = other.endsWith(".jsa") || other.endsWith(".jsa.failed")
                            || other.endsWith(".jsa.args");
                    FileTime time = Files.getLastModifiedTime(sibling);
                    if (archiveOrMarker && !other.equals(name) && !time.toInstant().isAfter(cutoff)) {
                        old.add(sibling);
                    }
                }
            }
            for (Path path : old) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // Old archives only cost room; the new one is in place.
        }
    }

    private boolean run(List<String> command) throws IOException, InterruptedException {
        Process process;
        synchronized (starting) {
            if (stopping) {
                return false;
            }
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            current = process;
        }
        if (!process.waitFor(STEP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            log.println("[mlship] the archive's recording took over " + STEP_TIMEOUT.toMinutes() + " minutes; stopped");
            return false;
        }
        return process.exitValue() == 0;
    }

    private static void moveIntoPlace(Path partial, Path archive) throws IOException {
        try {
            Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes files and folders, whatever is left of them: cleaning up must not hide why a recording stopped. */
    private static void removeQuietly(Path... paths) {
        for (Path path : paths) {
            try (Stream<Path> tree = Files.walk(path)) {
                for (Path each : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(each);
                }
            } catch (IOException | UncheckedIOException e) {
                // Gone already, or on a disk that turned read-only: nothing else to do.
            }
        }
    }

    /** The command line, parsed by hand: this runs before any library is wanted, and takes four options. */
    record Options(Path archive, Path java, Path olderThan, Integer afterDays) {
        static Options parse(String[] args) {
            Path archive = null;
            Path java = null;
            Path olderThan = null;
            Integer afterDays = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "--java" -> java = Path.of(value(args, ++i, arg));
                    case "--remove-older-than" -> olderThan = Path.of(value(args, ++i, arg));
                    case "--remove-after-days" -> {
                        String days = value(args, ++i, arg);
                        if (!days.matches("[0-9]{1,4}")) {
                            throw new IllegalArgumentException("--remove-after-days takes a number of days, not '" + days + "'");
                        }
                        afterDays = Integer.valueOf(days);
                    }
                    default -> {
                        if (arg.startsWith("-") || archive != null) {
                            throw new IllegalArgumentException("unexpected '" + arg + "'; usage: ArchiveRecorder ARCHIVE "
                                    + "[--java JAVA] [--remove-older-than FILE | --remove-after-days N]");
                        }
                        archive = Path.of(arg);
                    }
                }
            }
            if (archive == null || !archive.getFileName().toString().endsWith(".jsa")) {
                throw new IllegalArgumentException("the archive to record, a file ending in .jsa, is missing");
            }
            if (olderThan != null && afterDays != null) {
                throw new IllegalArgumentException("--remove-older-than and --remove-after-days go alone");
            }
            return new Options(archive, java, olderThan, afterDays);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }
    }
}
