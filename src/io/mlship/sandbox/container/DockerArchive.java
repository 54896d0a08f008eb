package io.mlship.sandbox.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Image tars in the {@code docker save} layout ("docker-archive"): {@code manifest.json}, a config JSON named by
 * its digest, and one uncompressed {@code <diff id>/layer.tar} per layer. It is the layout {@code podman load}
 * and skopeo read, and the one Jib accepts as a tar base image.
 */
public final class DockerArchive {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The image creation time written into configs: fixed, so digests depend on content only. */
    private static final String CREATED = "1970-01-01T00:00:00Z";

    /**
     * What an archive holds.
     *
     * @param configDigest {@code sha256:…} of the config JSON: the image id podman reports
     */
    public record Contents(String repoTag, String configDigest, String architecture, ImageConfig config,
                           List<String> diffIds, List<String> layerPaths) {
    }

    private DockerArchive() {
    }

    /** Writes an image of {@code layers} (bottom first) with {@code config} to {@code out}; returns the config digest. */
    public static String write(Path out, String repoTag, String architecture, ImageConfig config, List<Layer> layers,
                               String createdBy) throws IOException {
        List<String> diffIds = layers.stream().map(Layer::diffId).toList();
        List<String> history = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            history.add(createdBy);
        }
        byte[] configJson = configJson(architecture, config, diffIds, history);
        Path tmp = temp(out);
        try (TarArchiveOutputStream tar = open(tmp)) {
            for (Layer layer : layers) {
                copyInto(tar, layerPath(layer.diffId()), layer.tar(), layer.size());
            }
            return finish(tar, tmp, out, repoTag, configJson, diffIds);
        }
    }

    /**
     * Writes to {@code out} the image {@code base} plus {@code layer} on top, with {@code config} as its run
     * settings and {@code repoTag} as its name; returns the new config digest. The base's layers are copied as they
     * are, so they keep their digests.
     */
    public static String appendLayer(Path base, Layer layer, ImageConfig config, String repoTag, String createdBy,
                                     Path out) throws IOException {
        Contents baseContents = read(base);
        JsonNode baseConfig = readEntry(base, baseContents.configDigest().substring("sha256:".length()) + ".json");
        List<String> diffIds = new ArrayList<>(baseContents.diffIds());
        diffIds.add(layer.diffId());
        List<String> history = new ArrayList<>();
        baseConfig.path("history").forEach(h -> history.add(h.path("created_by").asText("")));
        history.add(createdBy);
        byte[] configJson = configJson(baseContents.architecture(), config, diffIds, history);
        Path tmp = temp(out);
        try (TarArchiveOutputStream tar = open(tmp);
             TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(base))) {
            List<String> wanted = baseContents.layerPaths();
            TarArchiveEntry entry;
            // Layers are copied in the base's own order, straight from stream to stream.
            while ((entry = in.getNextEntry()) != null) {
                if (wanted.contains(entry.getName())) {
                    TarArchiveEntry copy = fileEntry(entry.getName(), entry.getSize());
                    tar.putArchiveEntry(copy);
                    in.transferTo(tar);
                    tar.closeArchiveEntry();
                }
            }
            copyInto(tar, layerPath(layer.diffId()), layer.tar(), layer.size());
            return finish(tar, tmp, out, repoTag, configJson, diffIds);
        }
    }

    /** Reads the manifest and config of a docker-archive. */
    public static Contents read(Path archive) throws IOException {
        JsonNode manifest = readEntry(archive, "manifest.json");
        if (!manifest.isArray() || manifest.size() != 1) {
            throw new IOException(archive + ": manifest.json must list exactly one image");
        }
        JsonNode image = manifest.get(0);
        String configName = image.path("Config").asText();
        JsonNode config = readEntry(archive, configName);
        List<String> layerPaths = new ArrayList<>();
        image.path("Layers").forEach(l -> layerPaths.add(l.asText()));
        List<String> diffIds = new ArrayList<>();
        config.path("rootfs").path("diff_ids").forEach(d -> diffIds.add(d.asText()));
        String tag = image.path("RepoTags").path(0).asText("");
        String digest = "sha256:" + configName.replace(".json", "").replaceFirst("^.*/", "");
        return new Contents(tag, digest, config.path("architecture").asText(), imageConfig(config.path("config")),
                diffIds, layerPaths);
    }

    /** The run settings in an image config's {@code config} object (Docker and OCI spell them the same). */
    static ImageConfig imageConfig(JsonNode c) {
        TreeMap<String, String> env = new TreeMap<>();
        c.path("Env").forEach(e -> {
            String s = e.asText();
            int eq = s.indexOf('=');
            env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
        });
        TreeMap<String, String> labels = new TreeMap<>();
        c.path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
        return new ImageConfig(env, strings(c.path("Entrypoint")), strings(c.path("Cmd")), c.path("User").asText(""),
                c.path("WorkingDir").asText(""), labels);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static byte[] configJson(String architecture, ImageConfig config, List<String> diffIds,
                                     List<String> history) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", architecture);
        root.put("os", "linux");
        root.put("created", CREATED);
        ObjectNode c = root.putObject("config");
        ArrayNode env = c.putArray("Env");
        config.env().forEach((k, v) -> env.add(k + "=" + v));
        if (!config.entrypoint().isEmpty()) {
            config.entrypoint().forEach(c.putArray("Entrypoint")::add);
        }
        if (!config.cmd().isEmpty()) {
            config.cmd().forEach(c.putArray("Cmd")::add);
        }
        if (!config.user().isEmpty()) {
            c.put("User", config.user());
        }
        if (!config.workingDir().isEmpty()) {
            c.put("WorkingDir", config.workingDir());
        }
        if (!config.labels().isEmpty()) {
            ObjectNode labels = c.putObject("Labels");
            config.labels().forEach(labels::put);
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        diffIds.forEach(rootfs.putArray("diff_ids")::add);
        ArrayNode h = root.putArray("history");
        for (String createdBy : history) {
            h.addObject().put("created", CREATED).put("created_by", createdBy);
        }
        return JSON.writeValueAsBytes(root);
    }

    private static String finish(TarArchiveOutputStream tar, Path tmp, Path out, String repoTag, byte[] configJson,
                                 List<String> diffIds) throws IOException {
        String configHex = HexFormat.of().formatHex(LayerBuilder.sha256().digest(configJson));
        String configName = configHex + ".json";
        put(tar, configName, configJson);
        ArrayNode manifest = JSON.createArrayNode();
        ObjectNode image = manifest.addObject();
        image.put("Config", configName);
        image.putArray("RepoTags").add(repoTag);
        ArrayNode layers = image.putArray("Layers");
        diffIds.forEach(d -> layers.add(layerPath(d)));
        put(tar, "manifest.json", JSON.writeValueAsBytes(manifest));
        tar.finish();
        tar.close();
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return "sha256:" + configHex;
    }

    private static JsonNode readEntry(Path archive, String name) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(archive))) {
            TarArchiveEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                if (entry.getName().equals(name) || entry.getName().equals("./" + name)) {
                    return JSON.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
        }
        throw new IOException(archive + " has no " + name + ": not a docker-archive image tar");
    }

    private static String layerPath(String diffId) {
        return diffId.substring(diffId.indexOf(':') + 1) + "/layer.tar";
    }

    private static TarArchiveOutputStream open(Path file) throws IOException {
        TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(file));
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
        return tar;
    }

    private static void copyInto(TarArchiveOutputStream tar, String name, Path file, long size) throws IOException {
        tar.putArchiveEntry(fileEntry(name, size));
        try (InputStream in = Files.newInputStream(file)) {
            in.transferTo(tar);
        }
        tar.closeArchiveEntry();
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        tar.putArchiveEntry(fileEntry(name, content.length));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry fileEntry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setMode(0100644);
        e.setIds(0, 0);
        e.setNames("", "");
        e.setModTime(LayerBuilder.FIXED_TIME);
        e.setSize(size);
        return e;
    }

    private static Path temp(Path out) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        return Files.createTempFile(dir, out.getFileName().toString(), ".part");
    }
}
