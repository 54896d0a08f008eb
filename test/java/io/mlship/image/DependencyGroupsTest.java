package io.mlship.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a dependency folder becomes layers: the largest packages alone, the rest in groups by a hash of the package's
 * name, so a package lands in the same layer in every build. Large files are sparse: their size counts, not disk.
 */
class DependencyGroupsTest {
    private static final AbsoluteUnixPath ROOT = AbsoluteUnixPath.get("/opt/python-deps");

    @TempDir
    Path tmp;

    private static void file(Path site, String path, long size) throws IOException {
        Path file = site.resolve(path);
        Files.createDirectories(file.getParent());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
    }

    /** A site-packages folder like a DS image's: two big compiled packages and many small ones. */
    private Path site(String name, long torchSize) throws IOException {
        Path site = Files.createDirectories(tmp.resolve(name));
        file(site, "torch/lib/libtorch_cpu.so", torchSize);
        file(site, "torch-2.3.0.dist-info/METADATA", 100);
        file(site, "numpy/core/_multiarray_umath.cpython-312-x86_64-linux-gnu.so", 30L << 20);
        file(site, "numpy.libs/libopenblas.so", 10L << 20);
        file(site, "numpy-1.26.4.dist-info/RECORD", 100);
        for (String small : List.of("requests", "idna", "urllib3", "certifi", "six", "packaging", "attrs", "yaml")) {
            file(site, small + "/__init__.py", 2000);
            file(site, small + "-1.0.dist-info/METADATA", 100);
        }
        file(site, "six.py", 30_000);
        return site;
    }

    private static Map<String, List<String>> layers(Path site) {
        List<PlannedLayer> planned = new LayerPlanner(site).dependencyLayers(site, ROOT.toString());
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (PlannedLayer layer : planned) {
            out.put(layer.name(), layer.entries().stream().map(e -> e.getExtractionPath().toString()).toList());
        }
        return out;
    }

    @Test
    void theLargestPackagesGetALayerEachAndTheRestAFewStableGroups() throws Exception {
        Map<String, List<String>> layers = layers(site("site", 200L << 20));

        assertThat(layers.keySet()).startsWith("python-deps/torch", "python-deps/numpy");
        assertThat(layers.size()).isBetween(3, 16);
        assertThat(layers.get("python-deps/numpy")).contains("/opt/python-deps/numpy.libs/libopenblas.so",
                "/opt/python-deps/numpy-1.26.4.dist-info/RECORD", "/opt/python-deps/numpy");
        assertThat(layers.keySet().stream().skip(2)).allMatch(n -> n.matches("python-deps/group-[1-4]"));
        // six/ and six.py are one package: the same group
        String sixGroup = layers.entrySet().stream().filter(e -> e.getValue().contains("/opt/python-deps/six/__init__.py"))
                .findFirst().orElseThrow().getKey();
        assertThat(layers.get(sixGroup)).contains("/opt/python-deps/six.py", "/opt/python-deps/six-1.0.dist-info/METADATA");
        // every file exactly once; not the folder itself, whose time changes with any package added or renamed
        List<String> all = layers.values().stream().flatMap(List::stream).toList();
        assertThat(all).doesNotHaveDuplicates().doesNotContain("/opt/python-deps");
    }

    @Test
    void bumpingOnePackageChangesOnlyItsLayer() throws Exception {
        Map<String, List<String>> before = layers(site("before", 200L << 20));
        Path after = site("after", 200L << 20);
        Files.delete(after.resolve("idna-1.0.dist-info/METADATA"));
        Files.delete(after.resolve("idna-1.0.dist-info"));
        file(after, "idna-1.1.dist-info/METADATA", 100);

        Map<String, List<String>> bumped = layers(after);

        String idnaLayer = before.entrySet().stream().filter(e -> e.getValue().contains("/opt/python-deps/idna/__init__.py"))
                .findFirst().orElseThrow().getKey();
        assertThat(bumped.keySet()).isEqualTo(before.keySet());
        before.forEach((name, entries) -> {
            if (!name.equals(idnaLayer)) {
                assertThat(bumped.get(name)).as(name).isEqualTo(entries);
            }
        });
        assertThat(bumped.get(idnaLayer)).contains("/opt/python-deps/idna-1.1.dist-info/METADATA");
    }

    @Test
    void aSmallFolderStaysOneLayer() throws Exception {
        Path site = Files.createDirectories(tmp.resolve("small"));
        file(site, "tinyjson/__init__.py", 5000);
        file(site, "bigdata/blob.bin", 20L << 20);

        assertThat(layers(site).keySet()).containsExactly("python-deps");
    }

    @Test
    void packageNamesAreNormalizedAsPipDoes() {
        assertThat(DependencyGroups.packageOf(ROOT.resolve("Foo_Bar-1.0.dist-info/RECORD"), ROOT)).isEqualTo("foo_bar");
        assertThat(DependencyGroups.packageOf(ROOT.resolve("foo-bar.libs/x.so"), ROOT)).isEqualTo("foo_bar");
        assertThat(DependencyGroups.packageOf(ROOT.resolve("foo_bar.py"), ROOT)).isEqualTo("foo_bar");
        assertThat(DependencyGroups.packageOf(ROOT, ROOT)).isNull();
        assertThat(DependencyGroups.groupOf("numpy")).isEqualTo(DependencyGroups.groupOf("numpy")).isBetween(1, 4);
    }
}
