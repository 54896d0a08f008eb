package io.mlship.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Offline test material: a tiny base image as a docker-archive tar, copies of the example, tar readers. */
final class TestImages {
    static final Path EXAMPLE = Path.of("examples/reco-service").toAbsolutePath();
    static final String SHA = "3f1c2b9d8e7a6f5041322314a5b6c7d8e9f00112";

    private TestImages() {
    }

    /** A "python base" of a few files (no downloads): enough for Jib to use it as a base and for digests. */
    static Path pythonBaseTar(Path dir) throws Exception {
        return pythonBaseTar(dir, null);
    }

    /** The same base whose config declares {@code PYTHON_VERSION} as the official python images do (when not null). */
    static Path pythonBaseTar(Path dir, String pythonVersion) throws Exception {
        ByteArrayOutputStream layer = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(layer)) {
            dirEntry(tar, "usr/");
            dirEntry(tar, "usr/local/");
            dirEntry(tar, "usr/local/bin/");
            file(tar, "usr/local/bin/python3", "#!/bin/sh\necho 'python 3.11 (test base)'\n", 0755);
            dirEntry(tar, "etc/");
            file(tar, "etc/os-release", "PRETTY_NAME=\"mlship test base\"\n", 0644);
        }
        byte[] layerBytes = layer.toByteArray();
        String diffId = "sha256:" + sha256(layerBytes);
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/usr/local/bin:/usr/bin:/bin\","
                + "\"LANG=C.UTF-8\"" + (pythonVersion == null ? "" : ",\"PYTHON_VERSION=" + pythonVersion + "\"")
                + "],\"Cmd\":[\"python3\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + diffId + "\"]}}";
        String manifest = "[{\"Config\":\"config.json\",\"RepoTags\":[\"test/python:3.11\"],\"Layers\":[\"layer.tar\"]}]";
        Path out = dir.resolve("python-base.tar");
        try (OutputStream os = Files.newOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            bytes(tar, "manifest.json", manifest.getBytes(StandardCharsets.UTF_8), 0644);
            bytes(tar, "config.json", config.getBytes(StandardCharsets.UTF_8), 0644);
            bytes(tar, "layer.tar", layerBytes, 0644);
        }
        return out;
    }

    private static void dirEntry(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(040755);
        e.setModTime(1000L);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, String text, int mode) throws IOException {
        bytes(tar, name, text.getBytes(StandardCharsets.UTF_8), mode);
    }

    private static void bytes(TarArchiveOutputStream tar, String name, byte[] data, int mode) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        e.setMode(0100000 | mode);
        e.setModTime(1000L);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    /**
     * A fresh copy of the example, as another checkout would give it: new file times. {@code spec} edits are
     * applied to its mlship.yaml as (old, new) pairs.
     */
    static Path copyExample(Path target, String... edits) throws IOException {
        try (Stream<Path> walk = Files.walk(EXAMPLE)) {
            for (Path p : walk.toList()) {
                Path rel = EXAMPLE.relativize(p);
                if (rel.toString().contains("__pycache__") || rel.startsWith(".mlship")) {
                    continue;
                }
                Path to = target.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
                    Files.setLastModifiedTime(to, FileTime.fromMillis(System.currentTimeMillis()));
                }
            }
        }
        Path spec = target.resolve("mlship.yaml");
        String text = Files.readString(spec);
        for (int i = 0; i < edits.length; i += 2) {
            if (!text.contains(edits[i])) {
                throw new IllegalArgumentException("mlship.yaml has no '" + edits[i] + "'");
            }
            text = text.replace(edits[i], edits[i + 1]);
        }
        Files.writeString(spec, text);
        return target;
    }

    /** Entries of one layer in an OCI tar written by Jib: path → [mode, mtime seconds]. */
    static Map<String, long[]> layerEntries(Path imageTar, String layerDigest) throws IOException {
        Map<String, byte[]> blobs = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(imageTar))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals("blobs/sha256/" + layerDigest.replace("sha256:", ""))) {
                    blobs.put("layer", tar.readAllBytes());
                }
            }
        }
        Map<String, long[]> out = new LinkedHashMap<>();
        try (TarArchiveInputStream layer = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(blobs.get("layer"))))) {
            for (TarArchiveEntry e = layer.getNextEntry(); e != null; e = layer.getNextEntry()) {
                out.put(e.getName(), new long[] {e.getMode() & 07777, e.getModTime().getTime() / 1000});
            }
        }
        return out;
    }

    static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }
}
