package io.mlship.sandbox.container;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * How to run one container: image, name, environment, and the health URL that says it is ready.
 *
 * @param mounts       host directory → path in the container, mounted read-only (e.g. a model folder)
 * @param entrypoint   replaces the image's Entrypoint (and drops its Cmd) when not empty
 * @param command      arguments after the image: replace the image's Cmd when not empty
 * @param healthUrl    polled until it answers 200; null to return as soon as the container started
 * @param readyTimeout how long to wait for the health URL
 * @param nofile       open-files limit (soft = hard); 0 picks one this machine allows
 * @param nproc        process limit (soft = hard); 0 picks one this machine allows
 */
public record ContainerSpec(String image, String name, SortedMap<String, String> env, String user,
                            SortedMap<Path, String> mounts, List<String> entrypoint, List<String> command, URI healthUrl, Duration readyTimeout, long nofile, long nproc) {
    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new IllegalArgumentException("container name '" + name + "' must match [a-zA-Z0-9][a-zA-Z0-9_.-]*");
        }
        env = new TreeMap<>(env);
        mounts = new TreeMap<>(mounts);
        mounts.forEach((host, inside) -> {
            if (!host.isAbsolute() || !inside.startsWith("/") || inside.contains(":") || host.toString().contains(":")) {
                throw new IllegalArgumentException("mount " + host + " -> " + inside
                        + ": both paths must be absolute and without ':'");
            }
        });
        user = user == null ? "" : user;
        entrypoint = List.copyOf(entrypoint);
        command = List.copyOf(command);
        readyTimeout = readyTimeout == null ? Duration.ofSeconds(60) : readyTimeout;
    }

    public static Builder builder(String image, String name) {
        return new Builder(image, name);
    }

    /** Options of a {@link ContainerSpec}; everything but image and name is optional. */
    public static final class Builder {
        private final String image;
        private final String name;
        private final TreeMap<String, String> env = new TreeMap<>();
        private String user = "";
        private final TreeMap<Path, String> mounts = new TreeMap<>();
        private List<String> entrypoint = List.of();
        private List<String> command = List.of();
        private URI healthUrl;
        private Duration readyTimeout = Duration.ofSeconds(60);
        private long nofile;
        private long nproc;

        private Builder(String image, String name) {
            this.image = image;
            this.name = name;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder env(Map<String, String> values) {
            env.putAll(values);
            return this;
        }

        public Builder user(String value) {
            user = value;
            return this;
        }

        /** Mounts {@code hostDir} read-only at {@code containerPath}. */
        public Builder mount(Path hostDir, String containerPath) {
            mounts.put(hostDir.toAbsolutePath().normalize(), containerPath);
            return this;
        }

        /** Replaces the image's Entrypoint; the image's Cmd is then not used (as Kubernetes' {@code command}). */
        public Builder entrypoint(List<String> value) {
            entrypoint = value;
            return this;
        }

        public Builder command(List<String> value) {
            command = value;
            return this;
        }

        public Builder healthUrl(URI value, Duration timeout) {
            healthUrl = value;
            readyTimeout = timeout;
            return this;
        }

        public Builder ulimits(long openFiles, long processes) {
            nofile = openFiles;
            nproc = processes;
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(image, name, env, user, mounts, entrypoint, command, healthUrl, readyTimeout, nofile, nproc);
        }
    }
}
