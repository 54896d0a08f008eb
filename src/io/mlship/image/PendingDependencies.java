package io.mlship.image;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Python dependencies known by their content key before they exist on disk: {@link #folder()} installs them (pip)
 * or names the ready folder, and is called only when the registry does not hold them already.
 *
 * @param key         what decides the folders' content (a hash of its files, or of pip's inputs and targets)
 * @param installer   the folder of the image's first platform
 * @param perPlatform a folder per {@code image.platforms} entry, in that order, when pip installs for each
 *                    platform; empty when one folder serves every platform (a ready site-packages folder)
 */
public record PendingDependencies(String key, Supplier<Path> installer, Map<String, Supplier<Path>> perPlatform) {
    public PendingDependencies {
        perPlatform = Collections.unmodifiableMap(new LinkedHashMap<>(perPlatform));
    }

    public PendingDependencies(String key, Supplier<Path> installer) {
        this(key, installer, Map.of());
    }

    public Path folder() {
        return installer.get();
    }

    /** True when each platform has its own folder (and so its own dependency layers). */
    public boolean isPerPlatform() {
        return !perPlatform.isEmpty();
    }

    /** Each platform's folder, installing them in {@code image.platforms} order. */
    public Map<String, Path> folders() {
        Map<String, Path> out = new LinkedHashMap<>();
        perPlatform.forEach((platform, folder) -> out.put(platform, folder.get()));
        return out;
    }
}
