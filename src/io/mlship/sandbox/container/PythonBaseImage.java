package io.mlship.sandbox.container;

import io.mlship.result.MlshipException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Makes, without any network, a minimal Debian image with python3 from the files of this machine's own installed
 * packages: the Python interpreter and standard library packages, plus the packages owning every shared library
 * they load. The result is a docker-archive tar (usable by {@code podman load} and as a Jib tar base), cached
 * under a directory and made again only when one of those packages changes version.
 */
public final class PythonBaseImage {
    /** Bump when what goes into the image changes, so cached images made by older code are not reused. */
    private static final int RECIPE = 2;
    public static final int NONROOT_UID = 65532;
    static final String PACKAGES_LABEL = "io.mlship.python-base.packages";

    /** Doc, manual and translation files: not needed to run anything. Copyright notices stay. */
    private static final List<String> SKIPPED_PREFIXES = List.of("/usr/share/doc/", "/usr/share/man/",
            "/usr/share/info/", "/usr/share/lintian/", "/usr/share/locale/", "/usr/share/bug/", "/usr/share/doc-base/",
            "/usr/share/menu/", "/usr/share/applications/", "/usr/share/pixmaps/", "/usr/share/binfmts/");
    /** Top-level directories that merged-/usr Debian keeps as links into /usr. */
    private static final List<String> MERGED_USR = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");

    /**
     * A made (or reused) base image.
     *
     * @param archive      the docker-archive tar
     * @param configDigest {@code sha256:…}, the image id
     * @param key          the cache key: a digest of the recipe and the package versions
     * @param packages     {@code name=version} of every package whose files are in the image
     * @param reused       true when taken from the cache
     */
    public record BaseImage(Path archive, String repoTag, String configDigest, String pythonVersion, String key,
                            List<String> packages, long sizeBytes, boolean reused) {
    }

    private final Path cacheDir;
    private final PrintStream log;
    private final HostPackages host = new HostPackages();

    /** {@code log} receives one progress line per stage (stderr in the CLI). */
    public PythonBaseImage(Path cacheDir, PrintStream log) {
        this.cacheDir = cacheDir;
        this.log = log;
    }

    /** Returns the cached image for this machine's packages, making it first when there is none. */
    public BaseImage ensure() {
        long start = System.nanoTime();
        String python = pythonVersion();
        Set<String> wanted = new TreeSet<>(List.of("python" + python + "-minimal", "libpython" + python + "-minimal",
                "libpython" + python + "-stdlib", "python3-minimal", "python3", "libc6", "libgcc-s1"));
        host.installed(wanted); // fails early, naming what is missing
        wanted.addAll(host.owners(host.sharedLibraries(elfFiles(python))));
        boolean certificates = Files.isRegularFile(Path.of("/etc/ssl/certs/ca-certificates.crt"));
        Set<String> keyed = new TreeSet<>(wanted);
        if (certificates) {
            keyed.add("ca-certificates");
        }
        Map<String, HostPackages.Installed> installed = host.installed(keyed);
        String architecture = host.architecture();
        List<String> packages = installed.values().stream().map(HostPackages.Installed::toString).toList();
        String key = key(architecture, installed);
        String repoTag = "localhost/mlship/python-base:" + python;
        Path archive = cacheDir.resolve("python-base-" + python + "-" + key.substring(0, 16) + ".tar");
        try {
            if (Files.isRegularFile(archive)) {
                DockerArchive.Contents c = DockerArchive.read(archive);
                log.printf("[sandbox] python base image %s reused from %s%n", c.configDigest(), archive);
                return new BaseImage(archive, repoTag, c.configDigest(), python, key, packages, Files.size(archive),
                        true);
            }
            Files.createDirectories(cacheDir);
            log.printf("[sandbox] making the python %s base image from %d installed Debian packages (offline)%n",
                    python, packages.size());
            LayerBuilder layer = new LayerBuilder();
            for (String pkg : wanted) {
                addPackage(layer, pkg);
            }
            addSystemFiles(layer, certificates);
            Path layerTar = Files.createTempFile(cacheDir, "python-base-layer", ".tar");
            try {
                Layer written = layer.writeTo(layerTar);
                ImageConfig config = ImageConfig.empty()
                        .withEnv(new TreeMap<>(Map.of(
                                "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                "LANG", "C.UTF-8",
                                // Compiled bytecode is not shipped and the user cannot write beside the stdlib.
                                "PYTHONDONTWRITEBYTECODE", "1",
                                "PYTHONUNBUFFERED", "1")))
                        .withEntrypoint(List.of(), List.of("python3"))
                        .withUser(String.valueOf(NONROOT_UID))
                        .withWorkingDir("/")
                        .withLabels(Map.of(PACKAGES_LABEL, String.join(" ", packages),
                                "io.mlship.python-base.key", key));
                String digest = DockerArchive.write(archive, repoTag, architecture, config, List.of(written),
                        "mlship: python " + python + " from installed Debian packages");
                long size = Files.size(archive);
                log.printf("[sandbox] python base image %s: %d entries, %.1f MB, in %.1fs -> %s%n", digest,
                        layer.size(), size / 1e6, (System.nanoTime() - start) / 1e9, archive);
                return new BaseImage(archive, repoTag, digest, python, key, packages, size, false);
            } finally {
                Files.deleteIfExists(layerTar);
            }
        } catch (IOException e) {
            throw MlshipException.infrastructure("cannot make the python base image under " + cacheDir + ": "
                    + e.getMessage(), "check free space and permissions there", e);
        }
    }

    /** The version of Debian's default python3, from where /usr/bin/python3 points (e.g. python3.11 → 3.11). */
    private static String pythonVersion() {
        Path link = Path.of("/usr/bin/python3");
        try {
            String target = Files.readSymbolicLink(link).getFileName().toString();
            if (target.matches("python3\\.[0-9]+")) {
                return target.substring("python".length());
            }
        } catch (IOException | UnsupportedOperationException e) {
            // reported below
        }
        throw MlshipException.infrastructure("/usr/bin/python3 is not Debian's link to python3.X",
                "install the Debian package python3 (bin/setup does)", null);
    }

    /** The interpreter and the standard library's extension modules: what the dynamic linker must serve. */
    private static List<Path> elfFiles(String python) {
        List<Path> files = new ArrayList<>(List.of(Path.of("/usr/bin/python" + python)));
        Path dynload = Path.of("/usr/lib/python" + python + "/lib-dynload");
        try (Stream<Path> s = Files.list(dynload)) {
            s.filter(p -> p.getFileName().toString().endsWith(".so")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dynload, e);
        }
        return files;
    }

    private void addPackage(LayerBuilder layer, String pkg) throws IOException {
        for (String listed : host.files(pkg)) {
            if (skipped(listed)) {
                continue;
            }
            Path path = Path.of(listed);
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                continue; // e.g. removed by a dpkg path exclusion
            }
            // Place the entry where it really lives (with merged /usr, /lib/x is /usr/lib/x) so that no directory
            // of the image ever shadows one of the top-level links.
            Path parent = path.getParent() == null ? path : path.getParent().toRealPath();
            String target = parent.resolve(path.getFileName()).toString();
            if (Files.isSymbolicLink(path)) {
                layer.symlink(target, Files.readSymbolicLink(path).toString());
            } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                layer.file(target, path, Files.isExecutable(path) ? 0755 : 0644);
            }
        }
    }

    private static boolean skipped(String path) {
        if (path.startsWith("/usr/share/doc/") && path.endsWith("/copyright")) {
            return false;
        }
        return SKIPPED_PREFIXES.stream().anyMatch(path::startsWith);
    }

    private static void addSystemFiles(LayerBuilder layer, boolean certificates) throws IOException {
        for (String dir : MERGED_USR) {
            Path p = Path.of("/" + dir);
            if (Files.isSymbolicLink(p)) {
                layer.symlink("/" + dir, Files.readSymbolicLink(p).toString());
            }
        }
        for (String dir : List.of("/etc", "/usr/local/bin", "/var", "/run", "/home")) {
            layer.directory(dir, 0755);
        }
        layer.directory("/tmp", 01777);
        layer.directory("/var/tmp", 01777);
        layer.directory("/root", 0700);
        layer.directory("/home/nonroot", 0755, NONROOT_UID, NONROOT_UID);
        layer.file("/etc/passwd", text("root:x:0:0:root:/root:/usr/sbin/nologin\n"
                + "nonroot:x:" + NONROOT_UID + ":" + NONROOT_UID + ":nonroot:/home/nonroot:/usr/sbin/nologin\n"), 0644);
        layer.file("/etc/group", text("root:x:0:\nnonroot:x:" + NONROOT_UID + ":\n"), 0644);
        layer.file("/etc/nsswitch.conf", text("passwd: files\ngroup: files\nhosts: files dns\n"), 0644);
        layer.file("/etc/hosts", text("127.0.0.1 localhost\n::1 localhost\n"), 0644);
        Path osRelease = Path.of("/usr/lib/os-release");
        if (Files.isRegularFile(osRelease)) {
            layer.file("/usr/lib/os-release", osRelease, 0644);
            layer.symlink("/etc/os-release", "../usr/lib/os-release");
        }
        if (certificates) {
            // The bundle update-ca-certificates made here; OpenSSL looks for it through /usr/lib/ssl/certs.
            layer.file("/etc/ssl/certs/ca-certificates.crt", Path.of("/etc/ssl/certs/ca-certificates.crt"), 0644);
            layer.symlink("/usr/lib/ssl/certs", "/etc/ssl/certs");
            layer.symlink("/usr/lib/ssl/cert.pem", "/etc/ssl/certs/ca-certificates.crt");
        }
    }

    private static String key(String architecture, Map<String, HostPackages.Installed> installed) {
        StringBuilder in = new StringBuilder("recipe=" + RECIPE + "\narch=" + architecture + "\n");
        new TreeMap<>(installed).values().forEach(p -> in.append(p.name()).append('=').append(p.version())
                .append(':').append(p.architecture()).append('\n'));
        return HexFormat.of().formatHex(LayerBuilder.sha256().digest(in.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
