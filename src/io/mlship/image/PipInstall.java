package io.mlship.image;

import io.mlship.result.ErrorCategory;
import io.mlship.result.MlshipException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code pip install --target} run for a {@link PythonTarget}: builds the command, runs it with a timeout, and
 * turns pip's failures into messages that name the package, the target and the fix. The index URL (which may
 * carry credentials) reaches pip only through its environment, never the command line, logs or errors.
 */
final class PipInstall {
    private static final long TIMEOUT_MINUTES = 15;
    private static final Pattern UNAVAILABLE = Pattern.compile(
            "(?:No matching distribution found for|Could not find a version that satisfies the requirement)\\s+(\\S+)"
                    + "|(\\S+\\.whl) is not a supported wheel on this platform");

    /** Where packages come from: a wheel folder (offline), or an index URL (null: pip's own configuration). */
    record Source(Path wheels, String wheelsField, String indexUrl, String indexVariable) {
        static Source wheels(Path folder, String field) {
            return new Source(folder, field, null, null);
        }

        static Source index(String url, String variable) {
            return new Source(null, null, url, variable);
        }

        String describe() {
            if (wheels != null) {
                return "offline, wheels from " + wheelsField;
            }
            return indexVariable != null ? "from the package index in $" + indexVariable : "from the configured package index";
        }
    }

    private final String python;

    PipInstall(String python) {
        this.python = python;
    }

    /** Installs {@code what} (pip arguments: {@code -r FILE} or wheel paths) into {@code target/site-packages}. */
    void run(PythonTarget pyTarget, Source source, List<String> what, Path target) {
        List<String> command = new ArrayList<>(List.of(python, "-m", "pip", "install", "--no-compile",
                "--disable-pip-version-check", "--no-input", "--target", target.resolve("site-packages").toString()));
        command.addAll(pyTarget.pipOptions());
        if (source.wheels() != null) {
            command.addAll(List.of("--no-index", "--find-links", source.wheels().toString()));
        }
        command.addAll(what);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        environment(builder.environment(), source);
        Path log = target.resolve("pip.log");
        try {
            builder.redirectOutput(log.toFile());
            Process p = builder.start();
            if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw MlshipException.infrastructure("pip install did not finish within " + TIMEOUT_MINUTES
                        + " minutes", "check the package index is reachable, or give pre-built wheels", null);
            }
            String output = mask(Files.readString(log, StandardCharsets.UTF_8), source.indexUrl());
            if (p.exitValue() != 0) {
                throw failure(p.exitValue(), output, pyTarget, source);
            }
        } catch (IOException e) {
            throw pipMissing(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw MlshipException.infrastructure("interrupted while waiting for pip", "run the build again", e);
        }
    }

    /**
     * An offline install sees only the spec's wheels: the agent's pip configuration (its find-links, constraints,
     * extra indexes) is left out, so the same wheels give the same layer on any agent. An index install keeps the
     * agent's configuration (certificates, proxies) and takes the index from the spec's variable when one is named.
     */
    private static void environment(Map<String, String> env, Source source) {
        if (source.wheels() != null) {
            env.keySet().removeIf(name -> name.startsWith("PIP_"));
            env.put("PIP_CONFIG_FILE", File.separatorChar == '/' ? "/dev/null" : "nul");
        } else if (source.indexUrl() != null) {
            env.put("PIP_INDEX_URL", source.indexUrl());
        }
    }

    private MlshipException failure(int exit, String output, PythonTarget target, Source source) {
        if (output.contains("No module named pip")) {
            return pipMissing(null);
        }
        Optional<String> unavailable = unavailable(output);
        if (unavailable.isPresent()) {
            String name = unavailable.get();
            boolean wheelFile = name.endsWith(".whl");
            String fix = "build a wheel of " + (wheelFile ? name.split("-", 2)[0] : name) + " for " + target.describe()
                    + (source.wheels() != null ? " and put it in image.python.wheels (" + source.wheelsField() + ")"
                            : " and publish it to the index")
                    + ", or pick a base image whose Python has one (image.base, image.python.version)";
            String what = wheelFile ? "wheel '" + name + "' does not fit" : "no wheel of '" + name + "' fits";
            return MlshipException.badInput(what + " the image's Python, " + target.describe()
                    + (source.wheels() != null && !wheelFile ? wheelsOf(name, source.wheels()) : "")
                    + "; source builds are not used, as they would compile for the agent", fix);
        }
        return MlshipException.badInput("pip install failed for image.python (exit " + exit + "): " + lastLines(output, 5),
                "check the requirements resolve for " + target.describe()
                        + (source.wheels() != null ? " from the wheels in " + source.wheelsField() : ""));
    }

    /** The requirement pip could not satisfy as pip printed it (e.g. {@code demo==1.0}), or the wheel file it refused. */
    static Optional<String> unavailable(String pipOutput) {
        Matcher m = UNAVAILABLE.matcher(pipOutput);
        return m.find() ? Optional.of(m.group(1) != null ? m.group(1) : m.group(2)) : Optional.empty();
    }

    /** What the wheel folder has of that project, so the person sees the tags that did not fit. */
    private static String wheelsOf(String requirement, Path folder) {
        String project = normalize(requirement.split("[<>=!~;\\[ ]", 2)[0]);
        List<String> names = PythonDependencies.wheelFiles(folder).stream().map(p -> p.getFileName().toString())
                .filter(f -> normalize(f.split("-", 2)[0]).equals(project)).toList();
        return names.isEmpty() ? " (the wheel folder has none of it)" : " (the wheel folder has " + String.join(", ", names) + ")";
    }

    /** Project names compare case-insensitively with runs of - _ . as one (PEP 503). */
    private static String normalize(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[-_.]+", "-");
    }

    /** The URL, and its user-info part ({@code user:token@}) on its own, replaced wherever pip's output repeats them. */
    static String mask(String text, String secretUrl) {
        if (secretUrl == null || secretUrl.isEmpty()) {
            return text;
        }
        String out = text.replace(secretUrl, "****");
        Matcher userInfo = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://([^/@]+)@").matcher(secretUrl);
        return userInfo.find() ? out.replace(userInfo.group(1) + "@", "****@") : out;
    }

    MlshipException pipMissing(Exception cause) {
        return new MlshipException(ErrorCategory.BAD_INPUT,
                "image.python needs pip to install dependencies, but '" + python + " -m pip' cannot run"
                        + (cause == null ? "" : " (" + cause.getMessage() + ")"),
                "install Python 3 with pip on the agent (Debian: python3-pip; the agent image's default base has none, see"
                        + " docs/AGENTS.md) or name its interpreter with --python, or give a ready image.python.sitePackages"
                        + " folder",
                cause);
    }

    private static String lastLines(String text, int n) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
