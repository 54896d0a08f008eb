package io.mlship.sandbox.container;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The run settings of an image (the {@code config} object of a Docker/OCI image config). Maps are sorted so the
 * written JSON, and so the image digest, depend only on the values.
 *
 * @param entrypoint empty for none
 * @param cmd        empty for none
 * @param user       user id (or id:group), empty for root
 * @param workingDir empty for "/"
 */
public record ImageConfig(SortedMap<String, String> env, List<String> entrypoint, List<String> cmd, String user,
                          String workingDir, SortedMap<String, String> labels) {
    public ImageConfig {
        env = new TreeMap<>(env);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        user = user == null ? "" : user;
        workingDir = workingDir == null ? "" : workingDir;
        labels = new TreeMap<>(labels);
    }

    public static ImageConfig empty() {
        return new ImageConfig(new TreeMap<>(), List.of(), List.of(), "", "", new TreeMap<>());
    }

    public ImageConfig withEnv(Map<String, String> more) {
        TreeMap<String, String> merged = new TreeMap<>(env);
        merged.putAll(more);
        return new ImageConfig(merged, entrypoint, cmd, user, workingDir, labels);
    }

    public ImageConfig withLabels(Map<String, String> more) {
        TreeMap<String, String> merged = new TreeMap<>(labels);
        merged.putAll(more);
        return new ImageConfig(env, entrypoint, cmd, user, workingDir, merged);
    }

    /** As in a Dockerfile, setting the entrypoint drops the inherited command. */
    public ImageConfig withEntrypoint(List<String> newEntrypoint, List<String> newCmd) {
        return new ImageConfig(env, newEntrypoint, newCmd, user, workingDir, labels);
    }

    public ImageConfig withUser(String newUser) {
        return new ImageConfig(env, entrypoint, cmd, newUser, workingDir, labels);
    }

    public ImageConfig withWorkingDir(String dir) {
        return new ImageConfig(env, entrypoint, cmd, user, dir, labels);
    }
}
