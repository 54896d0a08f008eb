package io.mlship.sandbox.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small OCI image layout tars for tests, as Jib lays them out (index.json, blobs/sha256/…, gzip layers). */
public final class OciTars {
    /** One layer entry: a file (content), a directory (content null, name ending in /), or a link. */
    public record Entry(String name, String content, int mode, String linkTarget, boolean hardLink) {
        public static Entry file(String name, String content) {
            return new Entry(name, content, 0644, null, false);
        }

        public static Entry dir(String name) {
            return new Entry(name, null, 0755, null, false);
        }

        public static Entry symlink(String name, String target) {
            return new Entry(name, null, 0777, target, false);
        }

        public static Entry hardLink(String name, String target) {
            return new Entry(name, null, 0644, target, true);
        }
    }

    private OciTars() {
    }

    /** Writes an image of {@code layers} (bottom first) with this config object; returns the manifest digest. */
    public static String write(Path out, String configJson, List<List<Entry>> layers) throws IOException {
        List<byte[]> blobs = new ArrayList<>();
        StringBuilder layerRefs = new StringBuilder();
        StringBuilder diffIds = new StringBuilder();
        for (List<Entry> layer : layers) {
            byte[] plain = layer(layer);
            ByteArrayOutputStream gz = new ByteArrayOutputStream();
            try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
                z.write(plain);
            }
            byte[] compressed = gz.toByteArray();
            blobs.add(compressed);
            layerRefs.append(layerRefs.isEmpty() ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"")
                    .append(digest(compressed)).append("\",\"size\":").append(compressed.length).append('}');
            diffIds.append(diffIds.isEmpty() ? "" : ",").append('"').append(digest(plain)).append('"');
        }
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":" + configJson
                + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":"
                + "{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + digest(config) + "\",\"size\":"
                + config.length + "},\"layers\":[" + layerRefs + "]}").getBytes(StandardCharsets.UTF_8);
        String manifestDigest = digest(manifest);
        byte[] index = ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"" + manifestDigest + "\",\"size\":" + manifest.length + "}]}").getBytes(StandardCharsets.UTF_8);
        try (OutputStream os = Files.newOutputStream(out); TarArchiveOutputStream tar = new TarArchiveOutputStream(os)) {
            for (byte[] b : blobs) {
                put(tar, "blobs/sha256/" + digest(b).substring(7), b);
            }
            put(tar, "blobs/sha256/" + digest(config).substring(7), config);
            put(tar, "blobs/sha256/" + manifestDigest.substring(7), manifest);
            put(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            put(tar, "index.json", index);
        }
        return manifestDigest;
    }

    private static byte[] layer(List<Entry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Entry e : entries) {
                TarArchiveEntry t;
                if (e.linkTarget() != null) {
                    t = new TarArchiveEntry(e.name(), e.hardLink() ? TarArchiveEntry.LF_LINK : TarArchiveEntry.LF_SYMLINK);
                    t.setLinkName(e.linkTarget());
                } else {
                    t = new TarArchiveEntry(e.name());
                }
                t.setMode((e.content() == null && e.linkTarget() == null ? 040000 : e.linkTarget() == null ? 0100000 : 0) | e.mode());
                byte[] data = e.content() == null ? new byte[0] : e.content().getBytes(StandardCharsets.UTF_8);
                if (e.content() != null) {
                    t.setSize(data.length);
                }
                tar.putArchiveEntry(t);
                tar.write(data);
                tar.closeArchiveEntry();
            }
        }
        return out.toByteArray();
    }

    private static void put(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    static String digest(byte[] data) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
