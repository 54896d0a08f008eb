package io.mlship.image;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits the Python dependency folder into layers sized for reuse and parallel compression: each of the largest
 * packages alone, the rest in a few groups chosen by a hash of the package's name, so the same package lands in
 * the same layer in every build and a one-package bump changes one layer. Small folders stay one layer.
 */
final class DependencyGroups {
    static final String LAYER = "python-deps";
    /** Below this, one layer: splitting a few megabytes buys nothing and adds registry requests. */
    static final long SPLIT_FROM_BYTES = 64L << 20;
    /** A package this large gets a layer of its own (compressed and uploaded alone, reused alone). */
    static final long ALONE_FROM_BYTES = 24L << 20;
    static final int MAX_ALONE = 12;
    static final int GROUPS = 4;

    private DependencyGroups() {
    }

    /**
     * @param entries the folder's entries, sorted, the first being the folder itself at {@code root} (kept only
     *                when the folder stays one layer)
     * @return the layers in a fixed order: packages alone (largest first, ties by name), then the groups
     */
    static List<PlannedLayer> split(List<FileEntry> entries, AbsoluteUnixPath root) {
        Map<String, List<FileEntry>> byPackage = new TreeMap<>();
        Map<String, Long> sizes = new TreeMap<>();
        long total = 0;
        for (FileEntry entry : entries) {
            String name = packageOf(entry.getExtractionPath(), root);
            if (name == null) {
                continue;
            }
            byPackage.computeIfAbsent(name, k -> new ArrayList<>()).add(entry);
            long size = sizeOf(entry.getSourceFile());
            sizes.merge(name, size, Long::sum);
            total += size;
        }
        if (total < SPLIT_FROM_BYTES) {
            return List.of(new PlannedLayer(LAYER, entries));
        }
        List<String> alone = sizes.entrySet().stream()
                .filter(e -> e.getValue() >= ALONE_FROM_BYTES)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(MAX_ALONE).map(Map.Entry::getKey).toList();
        Map<String, List<FileEntry>> layers = new LinkedHashMap<>();
        // The folder's own entry stays out of split layers: its time changes whenever a package is added or
        // renamed (a bump renames the dist-info), and in every layer it would change every layer's cache key.
        // The layer tar gets the parent folders anyway, with fixed times.
        alone.forEach(name -> layers.put(LAYER + "/" + name, byPackage.get(name)));
        Map<Integer, List<FileEntry>> groups = new TreeMap<>();
        byPackage.forEach((name, files) -> {
            if (!alone.contains(name)) {
                groups.computeIfAbsent(groupOf(name), k -> new ArrayList<>()).addAll(files);
            }
        });
        groups.forEach((group, files) -> layers.put(LAYER + "/group-" + group, files));
        List<PlannedLayer> out = new ArrayList<>();
        layers.forEach((name, files) -> out.add(new PlannedLayer(name,
                files.stream().sorted(Comparator.comparing(e -> e.getExtractionPath().toString())).toList())));
        return out;
    }

    /**
     * The distribution a top-level entry belongs to, normalized as pip does ({@code Foo_Bar-1.0.dist-info},
     * {@code foo_bar/}, {@code foo_bar.libs/} and {@code foo_bar.py} are all "foo_bar"); null for the root itself.
     */
    static String packageOf(AbsoluteUnixPath path, AbsoluteUnixPath root) {
        String rootText = root.toString();
        String text = path.toString();
        if (text.equals(rootText)) {
            return null;
        }
        String relative = text.substring(rootText.endsWith("/") ? rootText.length() : rootText.length() + 1);
        String top = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : relative;
        String name = top.matches(".+-[^-]+\\.(dist-info|egg-info|data)")
                ? top.substring(0, top.substring(0, top.lastIndexOf('.')).lastIndexOf('-'))
                : top.contains(".") && !top.startsWith(".") ? top.substring(0, top.indexOf('.')) : top;
        return name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "_");
    }

    /** A stable group for a package: the first byte of its name's SHA-256, not Java's hashCode (may change). */
    static int groupOf(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return 1 + Byte.toUnsignedInt(digest[0]) % GROUPS;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
