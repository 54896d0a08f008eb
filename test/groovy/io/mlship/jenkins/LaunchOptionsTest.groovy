package io.mlship.jenkins

import static org.junit.jupiter.api.Assertions.assertEquals
import static org.junit.jupiter.api.Assertions.assertFalse
import static org.junit.jupiter.api.Assertions.assertTrue

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import java.util.concurrent.TimeUnit
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The three ways a Jenkins agent starts the CLI — bin/mlship of a checkout, `mlship` in the agent image, and the
 * steps' jar mode (CliScripts, as {@link Scripts} spells them out) — start the JVM alike: C1 alone for a short command, C2 kept for build and release
 * (they digest every layer they make, and only C2 has the SHA-256 intrinsic), the job's MLSHIP_JAVA_OPTS last. Each
 * launcher runs for real in a shell, with a `java` on PATH that prints what it was given.
 */
class LaunchOptionsTest {
    @TempDir
    static Path tmp

    static Path fakeBin

    static final String HUGE_PAGES = '-XX:+UseTransparentHugePages'

    @BeforeAll
    static void fakeJava() {
        fakeBin = Files.createDirectories(tmp.resolve('bin'))
        Path java = fakeBin.resolve('java')
        Files.writeString(java, '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n')
        java.toFile().setExecutable(true)
        Files.writeString(tmp.resolve('mlship-cli.jar'), 'not read: java is a stand-in')
        // The agent image's files as Jib lays them out (see AgentLauncherIT): only the class path file is read here.
        Files.writeString(tmp.resolve('jib-classpath-file'), tmp.resolve('mlship-cli.jar').toString())
    }

    /** The JVM options one launcher passes for `command`: everything before the class path or the jar. */
    static List<String> options(String launcher, String command, String javaOpts = '') {
        List<String> argv
        Map<String, String> env = [PATH: fakeBin.toString() + ':' + System.getenv('PATH'), MLSHIP_CDS: 'off',
                                   MLSHIP_JAR: tmp.resolve('mlship-cli.jar').toString(), MLSHIP_JAVA_OPTS: javaOpts,
                                   MLSHIP_COMMAND: command, MLSHIP_PARAMS: 'params.json', MLSHIP_APP_DIR: tmp.toString()]
        switch (launcher) {
            case 'bin/mlship':
            case 'agent-image':
                String script = launcher == 'bin/mlship' ? 'bin/mlship' : 'agent-image/usr/local/bin/mlship'
                argv = [Paths.get(script).toAbsolutePath().toString(), command, '--params', 'params.json']
                break
            case 'jar mode':
                argv = ['sh', '-c', command == '--version' ? Scripts.VERSION_JAR : Scripts.RUN_JAR]
                break
            default:
                throw new IllegalArgumentException(launcher)
        }
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        pb.environment().putAll(env)
        Process p = pb.start()
        String out = p.inputStream.text
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "$launcher did not finish")
        assertEquals(0, p.exitValue(), "$launcher $command:\n$out")
        List<String> args = out.readLines()
        int end = args.findIndexOf { it == '-cp' || it == '-jar' }
        assertTrue(end > 0, "$launcher passed no class path or jar:\n$out")
        return args.subList(0, end)
    }

    static Map<String, List<String>> byLauncher(String command, String javaOpts = '') {
        return ['bin/mlship', 'agent-image', 'jar mode'].collectEntries { [(it): options(it, command, javaOpts)] }
    }

    @Test
    void buildAndReleaseKeepC2EverywhereAndStartAlike() {
        for (String command : ['build', 'release']) {
            Map<String, List<String>> all = byLauncher(command)
            assertEquals(1, all.values().toSet().size(), "$command: $all")
            List<String> opts = all['bin/mlship']
            assertFalse(opts.any { it.startsWith('-XX:TieredStopAtLevel') }, "$command: $opts")
            assertTrue(opts.contains('-XX:Tier4InvocationThreshold=100000'), "$command: $opts")
            assertTrue(opts.contains('-XX:+UseSerialGC'), "$command: $opts")
            assertTrue(opts.contains('-XX:-C1UpdateMethodData'), "$command: $opts")
        }
    }

    @Test
    void shortCommandsRunC1AloneEverywhere() {
        for (String command : ['validate', 'deploy', 'smoke', 'promote']) {
            Map<String, List<String>> all = byLauncher(command)
            assertEquals(1, all.values().toSet().size(), "$command: $all")
            assertTrue(all['agent-image'].containsAll(['-XX:TieredStopAtLevel=1', '-XX:CICompilerCount=1']),
                    "$command: $all")
        }
        // `--version` alone does too little for huge pages to matter: otherwise it starts as a short command does.
        assertEquals(options('bin/mlship', 'validate') - HUGE_PAGES, options('jar mode', '--version'))
    }

    /** The host's choice decides: the flag where the kernel gives huge pages on request, none where it would warn. */
    @Test
    void hugePagesAreAskedForExactlyWhereTheKernelGivesThemOnRequest() {
        Path mode = Paths.get('/sys/kernel/mm/transparent_hugepage/enabled')
        boolean onRequest = Files.isReadable(mode) && Files.readString(mode).contains('[madvise]')
        for (String command : ['build', 'validate']) {
            byLauncher(command).each { launcher, opts ->
                assertEquals(onRequest ? 1 : 0, opts.count(HUGE_PAGES), "$launcher $command: $opts")
            }
        }
    }

    @Test
    void theJobsOwnOptionsComeLastSoTheyOverride() {
        Map<String, List<String>> all = byLauncher('build', '-Xmx300m -XX:TieredStopAtLevel=1')
        all.each { launcher, opts ->
            assertEquals(['-Xmx300m', '-XX:TieredStopAtLevel=1'], opts.takeRight(2), "$launcher: $opts")
        }
    }
}
