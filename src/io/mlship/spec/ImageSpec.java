package io.mlship.spec;

import java.util.List;
import java.util.Map;

/** How the service's container image is built with Jib: base, dependency, model and code layers. */
public record ImageSpec(
        String registry,
        String repository,
        String base,
        Python python,
        List<String> app,
        String model,
        String modelTarget,
        List<String> entrypoint,
        List<String> cmd,
        Map<String, String> env,
        int port,
        String user,
        String workdir,
        Map<String, String> labels,
        List<ExtraFile> extraFiles,
        List<String> platforms) {

    public ImageSpec {
        app = Lists.copy(app);
        entrypoint = Lists.copy(entrypoint);
        cmd = Lists.copy(cmd);
        env = Lists.copy(env);
        labels = Lists.copy(labels);
        extraFiles = Lists.copy(extraFiles);
        platforms = Lists.copy(platforms);
    }

    /**
     * Python dependencies: a requirements file, pre-built wheels, or a ready site-packages folder; installed for
     * {@code version} (major.minor; when null, the base image's) and, from a package index, the index whose URL is
     * in the agent's environment variable {@code indexUrlEnv} (when null, pip's own configuration).
     */
    public record Python(String requirements, String wheels, String sitePackages, String target, String version,
                         String indexUrlEnv) {
    }

    public record ExtraFile(String from, String to, String mode) {
    }

    public boolean isScratch() {
        return "scratch".equals(base);
    }

    public boolean baseIsTar() {
        return base != null && base.endsWith(".tar");
    }
}
