package io.mlship.sandbox.container;

import io.mlship.result.MlshipException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What dpkg and the dynamic linker know about this Debian machine's installed files. */
final class HostPackages {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern LDD_LINE = Pattern.compile("=>\\s+(/\\S+)\\s+\\(");

    /** An installed package. */
    record Installed(String name, String version, String architecture) {
        @Override
        public String toString() {
            return name + "=" + version;
        }
    }

    String architecture() {
        return dpkg(List.of("dpkg", "--print-architecture"), "read the Debian architecture").strip();
    }

    /** The installed versions of {@code names}; fails naming any that is not installed. */
    Map<String, Installed> installed(Collection<String> names) {
        List<String> cmd = new ArrayList<>(List.of("dpkg-query", "-W",
                "-f=${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n"));
        cmd.addAll(new TreeSet<>(names));
        Exec.Result r = Exec.run(cmd, Map.of(), TIMEOUT, "list installed packages");
        Map<String, Installed> found = new TreeMap<>();
        for (String line : r.stdout().split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 4 && f[3].equals("installed")) {
                found.put(f[0], new Installed(f[0], f[1], f[2]));
            }
        }
        Set<String> missing = new TreeSet<>(names);
        missing.removeAll(found.keySet());
        if (!missing.isEmpty()) {
            throw MlshipException.infrastructure("the offline Python base image is made from this machine's Debian "
                    + "packages, and these are not installed: " + String.join(", ", missing),
                    "install them with apt-get (bin/setup installs python3)", null);
        }
        return found;
    }

    /** The paths a package installed, as dpkg lists them (directories included). */
    List<String> files(String pkg) {
        String out = dpkg(List.of("dpkg-query", "-L", pkg), "list the files of " + pkg);
        return out.lines().filter(l -> l.startsWith("/")).toList();
    }

    /**
     * The packages owning {@code paths}. With merged /usr a library may be registered under /lib while the linker
     * reports /usr/lib (or the other way round), so both spellings are asked for.
     */
    Set<String> owners(Collection<String> paths) {
        Set<String> queries = new TreeSet<>();
        for (String p : paths) {
            queries.add(p);
            queries.add(p.startsWith("/usr/") ? p.substring("/usr".length()) : "/usr" + p);
        }
        List<String> cmd = new ArrayList<>(List.of("dpkg-query", "-S"));
        cmd.addAll(queries);
        // dpkg-query exits 1 when any spelling is unknown, which is expected for one of each pair.
        Exec.Result r = Exec.run(cmd, Map.of(), TIMEOUT, "find the packages owning shared libraries");
        Map<String, String> ownerByPath = new TreeMap<>();
        for (String line : r.stdout().split("\n")) {
            int sep = line.lastIndexOf(": /");
            if (sep > 0) {
                String pkg = line.substring(0, sep).split(",")[0].strip().replaceFirst(":[a-z0-9]+$", "");
                ownerByPath.put(line.substring(sep + 2), pkg);
            }
        }
        Set<String> owners = new TreeSet<>();
        for (String p : paths) {
            String alias = p.startsWith("/usr/") ? p.substring("/usr".length()) : "/usr" + p;
            String owner = ownerByPath.getOrDefault(p, ownerByPath.get(alias));
            if (owner == null) {
                throw MlshipException.infrastructure(p + " is needed by python3 but belongs to no Debian package",
                        "the base image is made only from packaged files; reinstall the package that should own it",
                        null);
            }
            owners.add(owner);
        }
        return owners;
    }

    /** The shared libraries the dynamic linker loads for {@code elfFiles} (the whole closure, as ldd prints it). */
    Set<String> sharedLibraries(Collection<Path> elfFiles) {
        List<String> cmd = new ArrayList<>(List.of("ldd"));
        elfFiles.stream().map(Path::toString).sorted().forEach(cmd::add);
        Exec.Result r = Exec.run(cmd, Map.of(), TIMEOUT, "list the shared libraries of python3");
        if (r.stdout().contains("not found")) {
            throw MlshipException.infrastructure("python3 needs a shared library this machine lacks: "
                    + r.stdout().lines().filter(l -> l.contains("not found")).findFirst().orElse("").strip(),
                    "reinstall the python3 packages", null);
        }
        Set<String> libs = new TreeSet<>();
        Matcher m = LDD_LINE.matcher(r.stdout());
        while (m.find()) {
            libs.add(m.group(1));
        }
        return libs;
    }

    private static String dpkg(List<String> cmd, String purpose) {
        Exec.Result r = Exec.run(cmd, Map.of(), TIMEOUT, purpose);
        if (!r.ok()) {
            throw MlshipException.infrastructure("cannot " + purpose + ": " + r.describe(),
                    "the offline base image needs a Debian machine with dpkg", null);
        }
        return r.stdout();
    }
}
