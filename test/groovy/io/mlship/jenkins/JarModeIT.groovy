package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import io.mlship.cli.FakeJava
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.security.MessageDigest
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The steps' jar mode on an ephemeral agent, for real: the library's scripts ({@link Scripts}) run in a shell with
 * the packaged CLI jar, fetched over file:// as curl fetches it from a Maven repository. With a cache volume
 * (MLSHIP_CACHE_DIR), a fresh workspace finds the jar there instead of downloading it, and the first command
 * records a class-data-sharing archive that later ones, from any workspace, map.
 */
class JarModeIT {
    @TempDir
    static Path tmp

    static Path jar
    static String sha256
    static String jarName

    @BeforeAll
    static void findTheJar() {
        File found = new File('target').listFiles().find { it.name ==~ /mlship-.+-cli\.jar/ }
        assertTrue(found != null, 'no target/mlship-*-cli.jar: run this with mvn verify, after package')
        jar = found.toPath().toAbsolutePath()
        jarName = jar.fileName.toString()
        sha256 = MessageDigest.getInstance('SHA-256').digest(Files.readAllBytes(jar)).encodeHex().toString()
    }

    /** The names in a folder, sorted. */
    static List<String> names(Path folder) {
        return (folder.toFile().list() as List<String>).sort()
    }

    static class Run {
        int exit
        String out
    }

    /** One of the library's scripts in a fresh shell, in `workspace`, as the steps run them (withEnv + sh). */
    static Run sh(String script, Path workspace, Map<String, String> env) {
        Files.createDirectories(workspace)
        ProcessBuilder pb = new ProcessBuilder('sh', '-c', script).directory(workspace.toFile()).redirectErrorStream(true)
        pb.environment().remove('MLSHIP_CACHE_DIR')
        pb.environment().putAll([MLSHIP_JAR: '.mlship/cli/' + jarName, MLSHIP_JAR_SHA256: sha256,
                                 MLSHIP_JAR_URL: jar.toUri().toString()] + env)
        Process p = pb.start()
        String out = p.inputStream.text
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), "the script did not finish:\n$out")
        return new Run(exit: p.exitValue(), out: out)
    }

    static Run validate(Path workspace, Map<String, String> env) {
        Path params = workspace.resolve('params.json')
        Files.createDirectories(workspace)
        Files.writeString(params, groovy.json.JsonOutput.toJson([spec: Paths.get('examples/reco-service/mlship.yaml').toAbsolutePath().toString(),
                                                                 resultDir: workspace.resolve('out').toString()]))
        return sh(Scripts.RUN_JAR, workspace, env + [MLSHIP_COMMAND: 'validate', MLSHIP_PARAMS: params.toString()])
    }

    @Test
    void onACacheVolumeTheJarIsDownloadedOnceAndEveryFreshWorkspaceLinksIt() {
        Path volume = tmp.resolve('volume-fetch')
        Run first = sh(Scripts.FETCH_JAR, tmp.resolve('ws1'), [MLSHIP_CACHE_DIR: volume.toString()])
        assertEquals(0, first.exit, first.out)
        assertTrue(first.out.contains("[mlship] downloading $jarName into $volume/cli/$sha256"), first.out)
        Path kept = volume.resolve("cli/$sha256/$jarName")
        assertEquals(Files.size(jar), Files.size(kept))
        assertTrue(Files.getPosixFilePermissions(kept).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ),
                'readable by the other users of a shared volume')
        Path linked = tmp.resolve("ws1/.mlship/cli/$jarName")
        assertTrue(Files.isSymbolicLink(linked), 'the workspace links the kept jar')
        assertEquals(kept.toRealPath(), linked.toRealPath())

        // A fresh workspace, and a repository that has gone: the volume's jar is enough.
        Run second = sh(Scripts.FETCH_JAR, tmp.resolve('ws2'), [MLSHIP_CACHE_DIR: volume.toString(),
                                                                  MLSHIP_JAR_URL  : tmp.resolve('gone.jar').toUri().toString()])
        assertEquals(0, second.exit, second.out)
        assertFalse(second.out.contains('downloading'), second.out)
        assertEquals(kept.toRealPath(), tmp.resolve("ws2/.mlship/cli/$jarName").toRealPath())
        assertEquals([jarName], names(kept.parent), 'nothing but the jar: no partial downloads')
    }

    @Test
    void aJarWithAnotherSha256IsNeitherKeptNorLinked() {
        Path volume = tmp.resolve('volume-wrong')
        String other = '0' * 64
        Run run = sh(Scripts.FETCH_JAR, tmp.resolve('ws-wrong'), [MLSHIP_CACHE_DIR: volume.toString(), MLSHIP_JAR_SHA256: other])
        assertEquals(11, run.exit, 'the checksum mismatch exit: ' + run.out)
        assertEquals([], names(volume.resolve("cli/$other")))
        assertFalse(Files.exists(tmp.resolve("ws-wrong/.mlship/cli/$jarName"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
    }

    @Test
    void aVolumeItCannotWriteIsNamedAndTheJarStaysInTheWorkspace() {
        Path notAFolder = Files.writeString(tmp.resolve('not-a-folder'), 'a file where the volume should be')
        Path ws = tmp.resolve('ws-unwritable')
        Run run = sh(Scripts.FETCH_JAR, ws, [MLSHIP_CACHE_DIR: notAFolder.toString()])
        assertEquals(0, run.exit, run.out)
        assertTrue(run.out.contains("cannot write $notAFolder/cli (MLSHIP_CACHE_DIR): keeping the jar in the workspace"), run.out)
        assertTrue(Files.isRegularFile(ws.resolve(".mlship/cli/$jarName"), java.nio.file.LinkOption.NOFOLLOW_LINKS))
    }

    @Test
    void withoutAVolumeTheJarStaysInTheWorkspaceAndNoArchiveIsRecorded() {
        Path ws = tmp.resolve('ws-plain')
        assertEquals(0, sh(Scripts.FETCH_JAR, ws, [:]).exit)
        Path inWorkspace = ws.resolve(".mlship/cli/$jarName")
        assertTrue(Files.isRegularFile(inWorkspace, java.nio.file.LinkOption.NOFOLLOW_LINKS))
        Run run = validate(ws, [:])
        assertEquals(0, run.exit, run.out)
        assertTrue(run.out.contains('is valid'), run.out)
        assertFalse(run.out.contains('recording'), run.out)
        assertEquals([jarName], names(inWorkspace.parent))
    }

    @Test
    void onTheVolumeTheFirstCommandRecordsAnArchiveThatCommandsInOtherWorkspacesMap() {
        Path volume = tmp.resolve('volume-cds')
        Map<String, String> env = [MLSHIP_CACHE_DIR: volume.toString()]
        assertEquals(0, sh(Scripts.FETCH_JAR, tmp.resolve('ws-a'), env).exit)
        Run first = validate(tmp.resolve('ws-a'), env)
        assertEquals(0, first.exit, first.out)
        assertTrue(first.out.contains("recording a class-data-sharing archive in $volume/cli/$sha256"), first.out)

        Path ws = tmp.resolve('ws-b')
        assertEquals(0, sh(Scripts.FETCH_JAR, ws, env).exit)
        Path loaded = tmp.resolve('loaded.txt')
        Run second = validate(ws, env + [MLSHIP_JAVA_OPTS: "-Xlog:class+load=info:file=$loaded".toString()])
        assertEquals(0, second.exit, second.out)
        assertFalse(second.out.contains('recording'), second.out)
        List<String> lines = Files.readAllLines(loaded)
        assertTrue(lines.any { it.contains(' picocli.CommandLine source: shared objects file') }, 'picocli from the archive')
        assertTrue(lines.any { it.contains(' io.mlship.cli.ValidateCommand source: shared objects file') },
                'the command from the archive')
        List<String> kept = names(volume.resolve("cli/$sha256"))
        assertEquals(3, kept.size(), kept.toString())
        assertTrue(kept[0] == jarName && kept[1] ==~ /mlship-\d+\.jsa/ && kept[2] == kept[1] + '.args', kept.toString())
    }

    /** An archive gone from the volume without its options (removed by hand) is recorded again, not passed on. */
    @Test
    void anArchiveGoneWithoutItsOptionsIsRecordedAgain() {
        Path volume = tmp.resolve('volume-gone')
        // A java whose training run fails at once: the attempt, not a real recording, shows the script tried.
        Map<String, String> env = FakeJava.failingOn(tmp.resolve('fake-jdk'), '-XX:DumpLoadedClassList=') +
                [MLSHIP_CACHE_DIR: volume.toString()]
        assertEquals(0, sh(Scripts.FETCH_JAR, tmp.resolve('ws-gone'), env).exit)
        Run first = validate(tmp.resolve('ws-gone'), env)
        assertTrue(first.out.contains('could not record the archive with this JVM'), first.out)
        Path folder = volume.resolve("cli/$sha256")
        String failed = names(folder).find { it.endsWith('.jsa.failed') }
        assertTrue(failed != null, names(folder).toString())
        FakeJava.optionsWithoutArchive(folder.resolve(failed))

        Run run = validate(tmp.resolve('ws-gone'), env)
        assertEquals(0, run.exit, run.out)
        assertTrue(run.out.contains('could not record the archive with this JVM') && run.out.contains('is valid'), run.out)
    }
}
