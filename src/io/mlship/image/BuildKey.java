package io.mlship.image;

import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A hash of everything a pushed image is made of: its base (or dependency image), each layer's files (content,
 * place, mode) and the container settings, labels and platforms, and the mlship version that lays them out. Two
 * builds with one key make one image, so a build whose key is already on its first tag has nothing to make: a
 * re-run, or a fresh agent building the same commit, finds the image with two requests and only checks its tags.
 * Tags and where the files sit on the agent are not part of it; the key is stored as a label of the image.
 */
final class BuildKey {
    static final String LABEL = "io.mlship.build-key";
    /** Bumped when what the key covers changes, so an older image is never taken for a newer build. */
    private static final String LAYOUT = "build key 2";

    private BuildKey() {
    }

    static String of(BuildRequest request) {
        MessageDigest sha = sha256();
        line(sha, LAYOUT);
        line(sha, "base " + request.base().reference());
        line(sha, "dependencies " + (request.dependencies() == null ? "-" : request.dependencies().tag()));
        list(sha, "entrypoint", request.entrypoint());
        list(sha, "cmd", request.cmd());
        map(sha, "env", request.env());
        line(sha, "port " + request.port());
        line(sha, "user " + request.user());
        line(sha, "workdir " + request.workdir());
        map(sha, "label", request.labels());
        list(sha, "platforms", request.platforms());
        line(sha, "tool " + request.toolVersion());
        for (PlannedLayer layer : request.layers()) {
            if (layer.entries().isEmpty()) {
                continue; // empty layers are not built
            }
            line(sha, "layer " + layer.name() + " " + layer.entries().size());
            layer.entries().forEach(entry -> entry(sha, entry));
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }

    private static void entry(MessageDigest sha, FileEntry entry) {
        line(sha, entry.getExtractionPath() + " " + entry.getPermissions().toOctalString() + " "
                + entry.getModificationTime().toEpochMilli() + " " + entry.getOwnership());
        if (Files.isDirectory(entry.getSourceFile())) {
            line(sha, "directory");
            return;
        }
        try {
            line(sha, "file " + FolderHash.contentHash(entry.getSourceFile()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + entry.getSourceFile() + ": " + e.getMessage(), e);
        }
    }

    /** Length-prefixed, so ["a, b"] and ["a", "b"] differ. */
    private static void list(MessageDigest sha, String kind, List<String> values) {
        StringBuilder text = new StringBuilder(kind).append(' ').append(values.size());
        values.forEach(v -> text.append(' ').append(v.length()).append(':').append(v));
        line(sha, text.toString());
    }

    private static void map(MessageDigest sha, String kind, Map<String, String> values) {
        // BuildRequest keeps env and labels sorted, so the order is the same on every agent.
        values.forEach((k, v) -> line(sha, kind + " " + k.length() + ":" + k + "=" + v.length() + ":" + v));
    }

    private static void line(MessageDigest sha, String text) {
        sha.update((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
