package io.mlship.image;

import io.mlship.progress.Progress;
import io.mlship.result.MlshipException;
import io.mlship.spec.ImageSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Finds the folder that becomes the Python dependency layer: a ready site-packages folder as given, or what
 * {@code pip install --target} makes from a requirements file for the image's Python, once per platform of the
 * image (offline from a wheel folder when one is given). pip runs only when there is something to install, and its output is kept per
 * input hash (requirements, wheels, target) so an unchanged input does not reinstall.
 */
public final class PythonDependencies {
    private final Path repoRoot;
    private final Path workDir;
    private final PipInstall pip;
    private final BasePythonVersion baseVersions;
    private final Map<String, String> agentEnv;
    private final Progress progress;

    /**
     * @param workDir      where pip's output is kept between builds
     * @param python       the interpreter whose pip is used ({@code python3} on PATH by default)
     * @param baseVersions reads the Python version a base image declares
     * @param agentEnv     the agent's environment, where {@code image.python.indexUrlEnv} is looked up
     */
    public PythonDependencies(Path repoRoot, Path workDir, String python, BasePythonVersion baseVersions,
                              Map<String, String> agentEnv, Progress progress) {
        this.repoRoot = repoRoot.toAbsolutePath().normalize();
        this.workDir = workDir;
        this.pip = new PipInstall(python);
        this.baseVersions = baseVersions;
        this.agentEnv = agentEnv;
        this.progress = progress;
    }

    public Optional<Path> resolve(ImageSpec image, BaseImage base) {
        return prepare(image, base).map(PendingDependencies::folder);
    }

    /**
     * The dependencies' content key, known before anything is installed: for a ready folder, a hash of its files;
     * for requirements, a hash of pip's inputs (requirements, wheels, the image's Python and platforms). The folder
     * itself is made only when asked for, so a build that finds the key in the registry never runs pip.
     */
    public Optional<PendingDependencies> prepare(ImageSpec image, BaseImage base) {
        ImageSpec.Python py = image.python();
        if (py == null) {
            return Optional.empty();
        }
        if (py.sitePackages() != null) {
            Path folder = repoRoot.resolve(py.sitePackages()).normalize();
            try {
                return Optional.of(new PendingDependencies("site-packages " + FolderHash.of(folder), () -> folder));
            } catch (IOException e) {
                throw MlshipException.badInput("image.python.sitePackages: cannot read " + py.sitePackages() + ": "
                        + e.getMessage(), "check that the folder exists and the agent's user can read its files");
            }
        }
        List<String> requirements = py.requirements() == null ? List.of() : requirementLines(py.requirements());
        Path wheels = py.wheels() == null ? null : repoRoot.resolve(py.wheels()).normalize();
        if (requirements.isEmpty() && (wheels == null || wheelFiles(wheels).isEmpty())) {
            progress.step("python: nothing to install (" + (py.requirements() == null ? "no requirements"
                    : py.requirements() + " lists no packages") + "); no dependency layer");
            return Optional.empty();
        }
        PipInstall.Source source = wheels != null ? PipInstall.Source.wheels(wheels, py.wheels()) : indexSource(py);
        // pip runs once per platform, each install kept under its own key; the whole set's key covers them all.
        Map<String, Supplier<Path>> perPlatform = new LinkedHashMap<>();
        List<String> keys = new ArrayList<>();
        for (PythonTarget target : new ImagePython(baseVersions).targets(image, base)) {
            String key = inputHash(requirements, wheels, target, List.of(target.platform()), source) + "-" + target.key();
            keys.add(key);
            perPlatform.put(target.platform(), () -> install(image, target, source, key, wheels));
        }
        Supplier<Path> first = perPlatform.values().iterator().next();
        return Optional.of(new PendingDependencies("pip " + String.join("+", keys), first, perPlatform));
    }

    /** Lines that name something to install: not blank, not a comment. */
    private List<String> requirementLines(String file) {
        Path path = repoRoot.resolve(file).normalize();
        try {
            return Files.readAllLines(path, StandardCharsets.UTF_8).stream()
                    .map(line -> line.replaceFirst("(^|\\s)#.*$", "").trim())
                    .filter(line -> !line.isEmpty())
                    .toList();
        } catch (IOException e) {
            throw MlshipException.badInput("image.python.requirements: cannot read " + file + ": " + e.getMessage(),
                    "create the file or correct the path in the spec");
        }
    }

    static List<Path> wheelFiles(Path wheels) {
        try (Stream<Path> list = Files.list(wheels)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".whl")).sorted().toList();
        } catch (IOException e) {
            throw MlshipException.badInput("image.python.wheels: cannot read " + wheels + ": " + e.getMessage(),
                    "check the folder exists and is readable");
        }
    }

    private Path install(ImageSpec image, PythonTarget pyTarget, PipInstall.Source source, String key, Path wheels) {
        ImageSpec.Python py = image.python();
        Path target = workDir.resolve("python-" + key);
        if (Files.isDirectory(target.resolve(".mlship-complete"))) {
            progress.step("python: dependencies unchanged for " + pyTarget.describe() + ", reusing the earlier install");
            return target.resolve("site-packages");
        }
        List<String> what = new ArrayList<>();
        if (py.requirements() != null) {
            what.addAll(List.of("-r", repoRoot.resolve(py.requirements()).normalize().toString()));
        } else {
            PlatformWheels.forTarget(wheelFiles(wheels), pyTarget).forEach(w -> what.add(w.toString()));
        }
        progress.step("python: pip install --target for " + pyTarget.describe() + "; " + source.describe());
        try {
            deleteTree(target);
            Files.createDirectories(target);
        } catch (IOException e) {
            throw MlshipException.infrastructure("cannot prepare " + target + " for pip: " + e.getMessage(),
                    "give the agent's user a writable --cache-dir", e);
        }
        pip.run(pyTarget, source, what, target);
        try {
            Files.createDirectories(target.resolve(".mlship-complete"));
        } catch (IOException e) {
            throw MlshipException.infrastructure("cannot mark " + target + " complete: " + e.getMessage(),
                    "give the agent's user a writable --cache-dir", e);
        }
        return target.resolve("site-packages");
    }

    /** The index from the variable the spec names (its value is a secret), else pip's own configuration. */
    private PipInstall.Source indexSource(ImageSpec.Python py) {
        String variable = py.indexUrlEnv();
        if (variable == null) {
            return PipInstall.Source.index(null, null);
        }
        String url = agentEnv.get(variable);
        if (url == null || url.isBlank()) {
            throw MlshipException.badInput("image.python.indexUrlEnv names $" + variable + ", but the agent has no such "
                            + "environment variable (or it is empty)",
                    "bind the index URL to " + variable + " (Jenkins: withCredentials([string(credentialsId: …, variable: '"
                            + variable + "')])), or give the packages as image.python.wheels");
        }
        return PipInstall.Source.index(url.trim(), variable);
    }

    /** Requirements, wheels, target and index variable: what decides pip's output. The index URL is not hashed. */
    private static String inputHash(List<String> requirements, Path wheels, PythonTarget target, List<String> platforms,
                                    PipInstall.Source source) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            requirements.forEach(r -> sha.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
            if (wheels != null) {
                for (Path w : wheelFiles(wheels)) {
                    sha.update(w.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    sha.update(Files.readAllBytes(w));
                }
            }
            String targetText = "target " + target.version() + " " + String.join(",", platforms) + " "
                    + String.join(",", target.platformTags()) + "\nindex " + source.indexVariable() + "\n";
            sha.update(targetText.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
