package io.mlship.image;

import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.FileEntry;
import io.mlship.result.MlshipException;
import io.mlship.spec.ImageSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns the image section of the spec into layers, ordered by how often they change: Python dependencies,
 * then the model, then application code (and extra files). Every entry gets a fixed time and explicit
 * permissions, so the same files give the same layer digest on any machine and any checkout time.
 */
public final class LayerPlanner {
    /** Jib's own reproducible default: one second after the epoch (zero confuses some tools). */
    static final Instant FIXED_TIME = Instant.ofEpochSecond(1);
    static final FilePermissions EXECUTABLE = FilePermissions.fromOctalString("755");
    static final FilePermissions REGULAR = FilePermissions.fromOctalString("644");
    /** Generated files that differ between machines and Python runs; the interpreter recreates them. */
    private static final Set<String> SKIPPED_NAMES = Set.of("__pycache__", ".git", ".mlship", ".pytest_cache");

    private final Path repoRoot;
    private final Path realRoot;

    public LayerPlanner(Path repoRoot) {
        this.repoRoot = repoRoot.toAbsolutePath().normalize();
        try {
            this.realRoot = this.repoRoot.toRealPath();
        } catch (IOException e) {
            throw MlshipException.badInput("cannot read the repository folder " + repoRoot + ": " + e.getMessage(),
                    "pass --repo-root with a folder that exists");
        }
    }

    /** The layers in build order; {@code dependencies} is the resolved Python dependency folder, if any. */
    public List<PlannedLayer> plan(ImageSpec image, Optional<Path> dependencies) {
        List<PlannedLayer> layers = new ArrayList<>();
        dependencies.ifPresent(deps -> layers.addAll(dependencyLayers(image, deps)));
        if (image.model() != null) {
            List<FileEntry> entries = new ArrayList<>();
            addTree(entries, repoPath(image.model(), "image.model"), AbsoluteUnixPath.get(image.modelTarget()),
                    "image.model", true, null);
            layers.add(new PlannedLayer("model", entries));
        }
        List<FileEntry> app = new ArrayList<>();
        AbsoluteUnixPath workdir = AbsoluteUnixPath.get(image.workdir());
        for (int i = 0; i < image.app().size(); i++) {
            String path = image.app().get(i);
            String field = "image.app[" + i + "]";
            addTree(app, repoPath(path, field), workdir.resolve(normalizedRelative(path)), field, true, null);
        }
        for (int i = 0; i < image.extraFiles().size(); i++) {
            ImageSpec.ExtraFile extra = image.extraFiles().get(i);
            String field = "image.extraFiles[" + i + "]";
            FilePermissions mode = extra.mode() == null ? null : FilePermissions.fromOctalString(
                    extra.mode().length() == 4 ? extra.mode().substring(1) : extra.mode());
            addTree(app, repoPath(extra.from(), field + ".from"), AbsoluteUnixPath.get(extra.to()), field, true, mode);
        }
        app.sort(Comparator.comparing(e -> e.getExtractionPath().toString()));
        layers.add(new PlannedLayer("app", app));
        return layers;
    }

    /** The Python dependency folder as layers: one, or for a large folder several (see {@link DependencyGroups}). */
    public List<PlannedLayer> dependencyLayers(ImageSpec image, Path dependencies) {
        return dependencyLayers(dependencies, pythonTarget(image));
    }

    List<PlannedLayer> dependencyLayers(Path dependencies, String target) {
        List<FileEntry> entries = new ArrayList<>();
        AbsoluteUnixPath root = AbsoluteUnixPath.get(target);
        addTree(entries, dependencies, root, "image.python", false, null);
        try {
            return DependencyGroups.split(entries, root);
        } catch (UncheckedIOException e) {
            throw MlshipException.badInput("image.python: cannot read " + dependencies + ": " + e.getMessage(),
                    "check that the files exist and the agent's user can read them");
        }
    }

    static String pythonTarget(ImageSpec image) {
        return image.python() != null && image.python().target() != null ? image.python().target() : "/opt/python-deps";
    }

    private static String normalizedRelative(String path) {
        String p = Path.of(path).normalize().toString().replace('\\', '/');
        return p.isEmpty() ? "." : p;
    }

    /** A spec path resolved inside the repository; the spec loader checked it, this guards what it cannot see. */
    private Path repoPath(String value, String field) {
        Path resolved = repoRoot.resolve(value).normalize();
        if (!resolved.startsWith(repoRoot) || !Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            throw MlshipException.badInput(field + ": '" + value + "' is not a path inside the repository",
                    "name a file or folder relative to the spec's folder");
        }
        return resolved;
    }

    private void addTree(List<FileEntry> entries, Path source, AbsoluteUnixPath target, String field,
                         boolean mustStayInRepo, FilePermissions fileMode) {
        try (Stream<Path> walk = Files.walk(source)) {
            List<Path> paths = walk.filter(p -> !skipped(source, p)).sorted().toList();
            for (Path path : paths) {
                checkReadable(path, field, mustStayInRepo);
                Path relative = source.relativize(path);
                AbsoluteUnixPath into = relative.toString().isEmpty() ? target
                        : target.resolve(relative.toString().replace('\\', '/'));
                if (Files.isDirectory(path)) {
                    entries.add(new FileEntry(path, into, EXECUTABLE, FIXED_TIME));
                } else {
                    entries.add(new FileEntry(path, into, fileMode != null ? fileMode : permissionsOf(path), FIXED_TIME));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw MlshipException.badInput(field + ": cannot read " + display(source) + ": " + e.getMessage(),
                    "check that the files exist and the agent's user can read them");
        }
    }

    static boolean skipped(Path root, Path path) {
        for (Path part : root.relativize(path)) {
            if (SKIPPED_NAMES.contains(part.toString())) {
                return true;
            }
        }
        return skippedName(path.getFileName() == null ? "" : path.getFileName().toString());
    }

    /** Whether an entry of this name is left out, its parent folders being kept (a walk that prunes as it goes). */
    static boolean skippedName(String name) {
        return SKIPPED_NAMES.contains(name) || name.endsWith(".pyc") || name.endsWith(".pyo");
    }

    private void checkReadable(Path path, String field, boolean mustStayInRepo) throws IOException {
        if (Files.isSymbolicLink(path)) {
            Path real;
            try {
                real = path.toRealPath();
            } catch (IOException e) {
                throw MlshipException.badInput(field + ": " + display(path) + " is a broken symlink",
                        "remove it or point it at a file inside the repository");
            }
            if (mustStayInRepo && !real.startsWith(realRoot)) {
                throw MlshipException.badInput(field + ": " + display(path) + " is a symlink to " + real
                                + ", outside the repository",
                        "replace the link by a copy of what it points at; a build must not package the agent's files");
            }
        }
        if (!Files.isReadable(path) || (Files.isDirectory(path) && !Files.isExecutable(path))) {
            throw MlshipException.badInput(field + ": " + display(path) + " is not readable",
                    "fix its permissions (chmod a+r) so the agent's user can read it");
        }
    }

    /** Executables keep their bit (755); everything else is 644, whatever the checkout's umask was. */
    static FilePermissions permissionsOf(Path file) throws IOException {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            boolean executable = perms.contains(PosixFilePermission.OWNER_EXECUTE)
                    || perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    || perms.contains(PosixFilePermission.OTHERS_EXECUTE);
            return executable ? EXECUTABLE : REGULAR;
        } catch (UnsupportedOperationException e) {
            return REGULAR;
        }
    }

    private String display(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        return abs.startsWith(repoRoot) ? repoRoot.relativize(abs).toString() : abs.toString();
    }
}
