package io.mlship.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Optional;

/**
 * Paths in the spec name files of the repository: they must exist, be of the right kind, and not leave the
 * repository — neither by {@code ../}, nor as absolute paths, nor through a symlink (a build must not be
 * able to package the agent's files).
 */
final class RepoPathRule implements SpecRule {
    /** Enough for any real service folder; a walk past this means the wrong folder was named. */
    private static final int MAX_WALK = 20_000;

    private enum Kind { FILE, FOLDER, ANY }

    @Override
    public void check(RuleContext ctx) {
        ReleaseSpec spec = ctx.spec();
        if (spec.image() != null) {
            ImageSpec image = spec.image();
            if (image.python() != null) {
                check(ctx, "/image/python/requirements", image.python().requirements(), Kind.FILE);
                check(ctx, "/image/python/wheels", image.python().wheels(), Kind.FOLDER);
                check(ctx, "/image/python/sitePackages", image.python().sitePackages(), Kind.FOLDER);
            }
            for (int i = 0; i < image.app().size(); i++) {
                check(ctx, "/image/app/" + i, image.app().get(i), Kind.ANY);
            }
            check(ctx, "/image/model", image.model(), Kind.FOLDER);
            for (int i = 0; i < image.extraFiles().size(); i++) {
                check(ctx, "/image/extraFiles/" + i + "/from", image.extraFiles().get(i).from(), Kind.ANY);
            }
            if (image.baseIsTar()) {
                check(ctx, "/image/base", image.base(), Kind.FILE);
            }
        }
        if (spec.smoke() != null) {
            check(ctx, "/smoke/cases", spec.smoke().cases(), Kind.FILE);
            check(ctx, "/smoke/predictionCases", spec.smoke().predictionCases(), Kind.FILE);
            if (spec.smoke().tls() != null) {
                check(ctx, "/smoke/tls/caFile", spec.smoke().tls().caFile(), Kind.FILE);
                check(ctx, "/smoke/tls/certFile", spec.smoke().tls().certFile(), Kind.FILE);
                check(ctx, "/smoke/tls/keyFile", spec.smoke().tls().keyFile(), Kind.FILE);
            }
        }
    }

    private void check(RuleContext ctx, String pointer, String value, Kind kind) {
        if (value == null) {
            return;
        }
        Path root = ctx.document().repoRoot();
        String fix = "use a path relative to the folder of " + ctx.document().displayName();
        Path relative;
        try {
            relative = Path.of(value);
        } catch (InvalidPathException e) {
            ctx.error(pointer, "'" + value + "' is not a valid path", fix);
            return;
        }
        if (relative.isAbsolute() || value.startsWith("/") || value.startsWith("~")) {
            ctx.error(pointer, "absolute path '" + value + "' is not allowed", fix);
            return;
        }
        Path resolved = root.resolve(relative).normalize();
        if (!resolved.startsWith(root.normalize())) {
            ctx.error(pointer, "'" + value + "' leaves the repository", fix + ", inside the repository");
            return;
        }
        if (!Files.exists(resolved, LinkOption.NOFOLLOW_LINKS)) {
            ctx.error(pointer, "'" + value + "' does not exist", "create it or correct the path (" + fix + ")");
            return;
        }
        try {
            Path realRoot = root.toRealPath();
            if (!Files.exists(resolved)) {
                ctx.error(pointer, "'" + value + "' is a broken symlink", "point it at a file inside the repository");
                return;
            }
            if (!resolved.toRealPath().startsWith(realRoot)) {
                ctx.error(pointer, "'" + value + "' is a symlink to a place outside the repository",
                        "copy what it points at into the repository instead");
                return;
            }
            if (kind == Kind.FILE && !Files.isRegularFile(resolved)) {
                ctx.error(pointer, "'" + value + "' is a folder, a file is expected", "name the file itself");
                return;
            }
            if (kind == Kind.FOLDER && !Files.isDirectory(resolved)) {
                ctx.error(pointer, "'" + value + "' is a file, a folder is expected", "name the folder that holds it");
                return;
            }
            if (Files.isDirectory(resolved)) {
                Optional<Path> link = ctx.once(List.of("escaping link", resolved, realRoot),
                        () -> escapingLink(resolved, realRoot));
                link.ifPresent(l -> ctx.error(pointer,
                        "'" + value + "' contains " + root.relativize(l) + ", a symlink to a place outside the repository",
                        "replace the link by a copy of what it points at"));
            }
        } catch (IOException | UncheckedIOException e) {
            ctx.error(pointer, "cannot read '" + value + "': " + e.getMessage(), "check the file permissions");
        }
    }

    /**
     * The first symlink under {@code folder} that leads outside the repository. The walk's own attributes (an
     * lstat each) say which entries are links: this runs on every spec load, over folders of thousands of files.
     */
    private static Optional<Path> escapingLink(Path folder, Path realRoot) {
        Path[] found = new Path[1];
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                private int seen;

                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return ++seen < MAX_WALK ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isSymbolicLink() && !insideRoot(file, realRoot)) {
                        found[0] = file;
                        return FileVisitResult.TERMINATE;
                    }
                    return ++seen < MAX_WALK ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.ofNullable(found[0]);
    }

    private static boolean insideRoot(Path link, Path realRoot) {
        try {
            return link.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false; // dangling: points nowhere we could package
        }
    }
}
