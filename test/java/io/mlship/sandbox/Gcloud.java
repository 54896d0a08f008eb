package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The real Google Cloud CLI in a throwaway configuration folder, with properties given as CLOUDSDK_* variables
 * (e.g. {@code api_endpoint_overrides/storage} → {@code CLOUDSDK_API_ENDPOINT_OVERRIDES_STORAGE}). Prompts, update
 * checks and usage reporting are off, so it runs the same with no terminal (CI).
 */
record Gcloud(Path config, Path scratch, Map<String, String> properties) {
    private static final long TIMEOUT_SECONDS = 120;

    /** Fails, saying what to install, when gcloud is not on PATH: the sandbox is judged by it, so it may not skip. */
    static Gcloud in(Path folder) throws IOException {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, "gcloud"));
        }
        if (!found) {
            throw new IllegalStateException("gcloud is not on PATH: install the Google Cloud CLI to run the sandbox "
                    + "against the client nobody here wrote");
        }
        return new Gcloud(Files.createDirectories(folder.resolve("gcloud-config")), Files.createDirectories(folder),
                Map.of());
    }

    /** The same CLI with one more property set, e.g. {@code with("auth/disable_credentials", "true")}. */
    Gcloud with(String property, String value) {
        Map<String, String> more = new TreeMap<>(properties);
        more.put("CLOUDSDK_" + property.toUpperCase(java.util.Locale.ROOT).replace('/', '_'), value);
        return new Gcloud(config, scratch, more);
    }

    /** Runs gcloud; returns what it wrote (stdout and stderr), failing with that text when it exits non-zero. */
    String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("gcloud");
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(scratch, "gcloud", ".out"); // a file, so a hung gcloud cannot block the read
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(properties);
        pb.environment().put("CLOUDSDK_CONFIG", config.toString());
        pb.environment().put("CLOUDSDK_CORE_DISABLE_PROMPTS", "1");
        pb.environment().put("CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK", "true");
        pb.environment().put("CLOUDSDK_CORE_DISABLE_USAGE_REPORTING", "true");
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("gcloud " + String.join(" ", args) + " did not finish in " + TIMEOUT_SECONDS
                    + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("gcloud " + String.join(" ", args) + "\n" + text).isZero();
        return text;
    }
}
