package io.mlship.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything one image build needs, resolved: where the base comes from, the layers, the container settings
 * and where the image goes (a registry when {@code tarOutput} is null, else a tar file). {@code dependencies}, when
 * set (pushes only), is where the Python dependency layers come from; they are then not among {@code layers}.
 */
public record BuildRequest(
        BaseImage base,
        String repository,
        List<String> tags,
        List<PlannedLayer> layers,
        List<String> entrypoint,
        List<String> cmd,
        Map<String, String> env,
        int port,
        String user,
        String workdir,
        Map<String, String> labels,
        List<String> platforms,
        Path tarOutput,
        boolean allowInsecureRegistry,
        Path cacheDir,
        String toolVersion,
        DependencyBase dependencies) {

    public BuildRequest {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(repository, "repository");
        tags = List.copyOf(tags);
        layers = List.copyOf(layers);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        // Sorted maps: Jib writes env and labels in map order, and the digest must not depend on it.
        env = new TreeMap<>(env);
        labels = new TreeMap<>(labels);
        platforms = List.copyOf(platforms);
        if (tags.isEmpty()) {
            throw new IllegalArgumentException("an image needs at least one tag");
        }
    }

    public boolean pushes() {
        return tarOutput == null;
    }

    /** repository:firstTag, the name Jib builds to; the other tags are added to it. */
    public String primaryReference() {
        return repository + ":" + tags.get(0);
    }

    /** The same build with its dependency image looked up. */
    public BuildRequest withDependencies(DependencyBase resolved) {
        return new BuildRequest(base, repository, tags, layers, entrypoint, cmd, env, port, user, workdir, labels,
                platforms, tarOutput, allowInsecureRegistry, cacheDir, toolVersion, resolved);
    }

    /** The same build with one more label (the build key, once it is known). */
    public BuildRequest withLabel(String name, String value) {
        Map<String, String> more = new TreeMap<>(labels);
        more.put(name, value);
        return new BuildRequest(base, repository, tags, layers, entrypoint, cmd, env, port, user, workdir, more,
                platforms, tarOutput, allowInsecureRegistry, cacheDir, toolVersion, dependencies);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Many options, most with sensible defaults: build it step by step. */
    public static final class Builder {
        private BaseImage base = BaseImage.scratch();
        private String repository;
        private List<String> tags = List.of();
        private List<PlannedLayer> layers = List.of();
        private List<String> entrypoint = List.of();
        private List<String> cmd = List.of();
        private Map<String, String> env = Map.of();
        private int port;
        private String user;
        private String workdir;
        private Map<String, String> labels = Map.of();
        private List<String> platforms = List.of("linux/amd64");
        private Path tarOutput;
        private boolean allowInsecureRegistry;
        private Path cacheDir;
        private String toolVersion;
        private DependencyBase dependencies;

        public Builder base(BaseImage v) { base = v; return this; }
        public Builder repository(String v) { repository = v; return this; }
        public Builder tags(List<String> v) { tags = v; return this; }
        public Builder layers(List<PlannedLayer> v) { layers = v; return this; }
        public Builder entrypoint(List<String> v) { entrypoint = v; return this; }
        public Builder cmd(List<String> v) { cmd = v; return this; }
        public Builder env(Map<String, String> v) { env = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder user(String v) { user = v; return this; }
        public Builder workdir(String v) { workdir = v; return this; }
        public Builder labels(Map<String, String> v) { labels = v; return this; }
        public Builder platforms(List<String> v) { platforms = v; return this; }
        public Builder tarOutput(Path v) { tarOutput = v; return this; }
        public Builder allowInsecureRegistry(boolean v) { allowInsecureRegistry = v; return this; }
        public Builder cacheDir(Path v) { cacheDir = v; return this; }
        public Builder toolVersion(String v) { toolVersion = v; return this; }
        public Builder dependencies(DependencyBase v) { dependencies = v; return this; }

        public BuildRequest build() {
            return new BuildRequest(base, repository, tags, layers, entrypoint, cmd, env, port, user, workdir, labels,
                    platforms, tarOutput, allowInsecureRegistry, cacheDir, toolVersion, dependencies);
        }
    }
}
