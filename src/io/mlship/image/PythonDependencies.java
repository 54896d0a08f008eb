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
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the folder that becomes the Python dependency layer: a ready site-packages folder as given, or what
 * {@code pip install --target} makes from a requirements file (offline from a wheel folder when one is given).
 * pip runs only when there is something to install, and its output is kept per input hash so an unchanged
 * requirements file does not reinstall.
 */
public final class PythonDependencies {
    private static final long PIP_TIMEOUT_MINUTES = 15;

    private final Path repoRoot;
    private final Path workDir;
    private final String python;
    private final Progress progress;

    /**
     * @param workDir where pip's output is kept between builds
     * @param python  the interpreter whose pip is used ({@code python3} on PATH by default)
     */
    public PythonDependencies(Path repoRoot, Path workDir, String python, Progress progress) {
        this.repoRoot = repoRoot.toAbsolutePath().normalize();
        this.workDir = workDir;
        this.python = python;
        this.progress = progress;
    }

    public Optional<Path> resolve(ImageSpec image) {
        ImageSpec.Python py = image.python();
        if (py == null) {
            return Optional.empty();
        }
        if (py.sitePackages() != null) {
            return Optional.of(repoRoot.resolve(py.sitePackages()).normalize());
        }
        List<String> requirements = py.requirements() == null ? List.of() : requirementLines(py.requirements());
        Path wheels = py.wheels() == null ? null : repoRoot.resolve(py.wheels()).normalize();
        if (requirements.isEmpty() && (wheels == null || wheelFiles(wheels).isEmpty())) {
            progress.step("python: nothing to install (" + (py.requirements() == null ? "no requirements"
                    : py.requirements() + " lists no packages") + "); no dependency layer");
            return Optional.empty();
        }
        return Optional.of(install(image, requirements, wheels));
    }

    /**
     * pip installs for the machine it runs on; when the image is for another architecture it must fetch that
     * platform's wheels instead (binary only: a source build would compile for the agent).
     */
    static Optional<String> foreignPlatform(List<String> platforms) {
        if (platforms.size() != 1) {
            return Optional.empty();
        }
        String arch = platforms.get(0).endsWith("/arm64") ? "aarch64" : "x86_64";
        String agent = System.getProperty("os.arch");
        boolean same = arch.equals("x86_64") ? agent.equals("amd64") || agent.equals("x86_64") : agent.equals("aarch64");
        return same ? Optional.empty() : Optional.of("manylinux2014_" + arch);
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

    private static List<Path> wheelFiles(Path wheels) {
        try (Stream<Path> list = Files.list(wheels)) {
            return list.filter(p -> p.getFileName().toString().endsWith(".whl")).sorted().toList();
        } catch (IOException e) {
            throw MlshipException.badInput("image.python.wheels: cannot read " + wheels + ": " + e.getMessage(),
                    "check the folder exists and is readable");
        }
    }

    private Path install(ImageSpec image, List<String> requirements, Path wheels) {
        ImageSpec.Python py = image.python();
        String key = inputHash(requirements, wheels) + foreignPlatform(image.platforms()).map(p -> "-" + p).orElse("");
        Path target = workDir.resolve("python-" + key);
        if (Files.isDirectory(target.resolve(".mlship-complete"))) {
            progress.step("python: dependencies unchanged, reusing the earlier install");
            return target.resolve("site-packages");
        }
        List<String> command = new ArrayList<>(List.of(python, "-m", "pip", "install", "--no-compile",
                "--disable-pip-version-check", "--no-input", "--target", target.resolve("site-packages").toString()));
        if (wheels != null) {
            command.addAll(List.of("--no-index", "--find-links", wheels.toString()));
        }
        foreignPlatform(image.platforms()).ifPresent(tag -> command.addAll(List.of("--platform", tag, "--only-binary=:all:")));
        if (py.requirements() != null) {
            command.addAll(List.of("-r", repoRoot.resolve(py.requirements()).normalize().toString()));
        } else {
            wheelFiles(wheels).forEach(w -> command.add(w.toString()));
        }
        progress.step("python: pip install --target (" + (wheels != null ? "offline, wheels from " + py.wheels()
                : "from the configured package index") + ")");
        try {
            deleteTree(target);
            Files.createDirectories(target);
            Path pipLog = target.resolve("pip.log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(pipLog.toFile()).start();
            if (!p.waitFor(PIP_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw MlshipException.infrastructure("pip install did not finish within " + PIP_TIMEOUT_MINUTES
                        + " minutes", "check the package index is reachable, or give pre-built wheels", null);
            }
            String output = Files.readString(pipLog, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                if (output.contains("No module named pip")) {
                    throw pipMissing(null);
                }
                throw MlshipException.badInput("pip install failed for image.python (exit " + p.exitValue() + "): "
                                + lastLines(output, 5),
                        "check the requirements resolve" + (wheels != null ? " from the wheels in " + py.wheels() : ""));
            }
            Files.createDirectories(target.resolve(".mlship-complete"));
            return target.resolve("site-packages");
        } catch (IOException e) {
            throw pipMissing(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MlshipException.infrastructure("interrupted while waiting for pip", "run the build again", e);
        }
    }

    private MlshipException pipMissing(Exception cause) {
        return new MlshipException(io.mlship.result.ErrorCategory.BAD_INPUT,
                "image.python needs pip to install dependencies, but '" + python + " -m pip' cannot run"
                        + (cause == null ? "" : " (" + cause.getMessage() + ")"),
                "install Python 3 with pip on the agent (Debian: python3-pip), or give a ready image.python.sitePackages folder",
                cause);
    }

    private String inputHash(List<String> requirements, Path wheels) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            requirements.forEach(r -> sha.update((r + "\n").getBytes(StandardCharsets.UTF_8)));
            if (wheels != null) {
                for (Path w : wheelFiles(wheels)) {
                    sha.update(w.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                    sha.update(Files.readAllBytes(w));
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
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
