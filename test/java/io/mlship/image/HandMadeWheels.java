package io.mlship.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Wheels written by hand: a zip with the package and its {@code dist-info} (METADATA, WHEEL, RECORD), tagged in its
 * file name and WHEEL file, so pip's tag matching is tested with wheels of any Python and platform.
 */
final class HandMadeWheels {
    private HandMadeWheels() {
    }

    /** {@code <name>-<version>-<tag>.whl} in {@code dir}, e.g. tag {@code cp312-cp312-manylinux2014_x86_64}. */
    static Path write(Path dir, String name, String version, String tag) throws IOException {
        Files.createDirectories(dir);
        Path wheel = dir.resolve(name + "-" + version + "-" + tag + ".whl");
        String distInfo = name + "-" + version + ".dist-info/";
        boolean pure = tag.endsWith("-none-any");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(wheel))) {
            entry(zip, name + "/__init__.py", "VERSION = '" + version + "'\nTAG = '" + tag + "'\n");
            entry(zip, distInfo + "METADATA", "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n");
            entry(zip, distInfo + "WHEEL", "Wheel-Version: 1.0\nGenerator: hand\nRoot-Is-Purelib: " + pure
                    + "\nTag: " + tag + "\n");
            entry(zip, distInfo + "RECORD", name + "/__init__.py,,\n" + distInfo + "METADATA,,\n" + distInfo
                    + "WHEEL,,\n" + distInfo + "RECORD,,\n");
        }
        return wheel;
    }

    /**
     * A wheel as committed to a repository: written once into {@code store}, then copied into the checkout's
     * {@code wheels} folder, so every checkout holds the same bytes.
     */
    static void commit(Path store, Path wheels, String name, String version, String tag) throws IOException {
        Path committed = store.resolve(name + "-" + version + "-" + tag + ".whl");
        if (!Files.exists(committed)) {
            write(store, name, version, tag);
        }
        Files.createDirectories(wheels);
        Files.copy(committed, wheels.resolve(committed.getFileName()));
    }

    private static void entry(ZipOutputStream zip, String name, String text) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(text.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }
}
