package io.mlship.image;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Python dependencies known by their content key before they exist on disk: {@link #folder()} installs them (pip)
 * or names the ready folder, and is called only when the registry does not hold them already.
 *
 * @param key what decides the folder's content (a hash of its files, or of pip's inputs and target)
 */
public record PendingDependencies(String key, Supplier<Path> installer) {
    public Path folder() {
        return installer.get();
    }
}
