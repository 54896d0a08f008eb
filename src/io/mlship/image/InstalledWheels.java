package io.mlship.image;

import io.mlship.result.MlshipException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What pip installed into a target folder, read from each {@code *.dist-info/WHEEL}: which distributions carry
 * compiled code for one platform and which run anywhere.
 */
final class InstalledWheels {
    private final Path sitePackages;

    InstalledWheels(Path sitePackages) {
        this.sitePackages = sitePackages;
    }

    /** Distributions none of whose wheel tags is platform-independent ({@code …-any}), by folder name. */
    List<String> platformSpecific() {
        if (!Files.isDirectory(sitePackages)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> list = Files.list(sitePackages)) {
            for (Path dist : list.filter(p -> p.getFileName().toString().endsWith(".dist-info")).sorted().toList()) {
                Path wheel = dist.resolve("WHEEL");
                if (!Files.isRegularFile(wheel)) {
                    continue;
                }
                List<String> tags = Files.readAllLines(wheel, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith("Tag:")).map(l -> l.substring(4).trim()).toList();
                if (!tags.isEmpty() && tags.stream().noneMatch(t -> t.endsWith("-any"))) {
                    out.add(dist.getFileName().toString().replaceFirst("\\.dist-info$", ""));
                }
            }
        } catch (IOException e) {
            throw MlshipException.infrastructure("cannot read what pip installed in " + sitePackages + ": " + e.getMessage(),
                    "check the --cache-dir folder is readable, and build again", e);
        }
        return out;
    }

    /**
     * An image for several platforms gets one dependency layer, installed for the first: right for the others only
     * when every installed wheel is platform-independent. Otherwise the image would carry the wrong machine code.
     */
    void requireOneLayerServes(List<String> platforms, PythonTarget installedFor) {
        if (platforms.size() < 2) {
            return;
        }
        List<String> compiled = platformSpecific();
        if (!compiled.isEmpty()) {
            throw MlshipException.badInput("image.platforms lists " + String.join(", ", platforms) + ", but "
                            + String.join(", ", compiled) + " installed for " + installedFor.describe()
                            + " only (compiled wheels); one dependency layer cannot serve every platform",
                    "build one platform per image (image.platforms: [" + installedFor.platform() + "]) until mlship "
                            + "builds a dependency layer per platform");
        }
    }
}
