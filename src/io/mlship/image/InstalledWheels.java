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
     * A ready site-packages folder is one platform's install, and becomes one dependency layer for every platform of
     * the image: right for the others only when every wheel in it is platform-independent. Otherwise the image would
     * carry the wrong machine code. (pip's installs need no such check: pip runs once per platform.)
     */
    void requireOneFolderServes(List<String> platforms) {
        if (platforms.size() < 2) {
            return;
        }
        List<String> compiled = platformSpecific();
        if (!compiled.isEmpty()) {
            throw MlshipException.badInput("image.platforms lists " + String.join(", ", platforms) + ", but "
                            + "image.python.sitePackages holds " + String.join(", ", compiled) + " (compiled wheels, for "
                            + "one platform only); one folder cannot serve every platform",
                    "give the dependencies as image.python.requirements (with image.python.wheels or an index) so pip "
                            + "installs them for each platform, or list one platform in image.platforms");
        }
    }
}
