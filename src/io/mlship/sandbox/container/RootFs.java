package io.mlship.sandbox.container;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks an image's layers, bottom first, into one folder: the files a container of it would see, without a
 * container engine. Whiteouts ({@code .wh.name}, {@code .wh..wh..opq}) delete what lower layers put there, as
 * overlay file systems do. Owners are not kept (the files belong to whoever runs this), device files are
 * skipped, and nothing is ever written outside the folder, whatever names or links a layer holds.
 */
public final class RootFs {
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private RootFs() {
    }

    /**
     * Returns {@code target}, unpacking {@code image} into it first unless an earlier call already did (it is
     * filled under another name and renamed when complete, so a present folder is a whole one).
     */
    public static Path ensure(OciArchive.Contents image, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            return target;
        }
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        delete(partial);
        Files.createDirectories(partial);
        Path root = partial.toRealPath();
        OciArchive.eachLayer(image, (digest, layer) -> unpack(layer, root));
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException raced) {
            delete(partial); // another start of the same image finished first; its copy is as good
        }
        return target;
    }

    private static void unpack(InputStream layer, Path root) throws IOException {
        TarArchiveInputStream tar = new TarArchiveInputStream(layer);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            Path path = inside(root, e.getName());
            if (path == null) {
                continue; // the root itself, or a name that leaves it
            }
            String base = path.getFileName().toString();
            if (base.equals(OPAQUE)) {
                clear(path.getParent());
                continue;
            }
            if (base.startsWith(WHITEOUT)) {
                delete(path.resolveSibling(base.substring(WHITEOUT.length())));
                continue;
            }
            Path parent = path.getParent();
            Files.createDirectories(parent);
            if (!parent.toRealPath().startsWith(root)) {
                continue; // a link in a lower layer points out of the image
            }
            if (e.isDirectory()) {
                if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                    delete(path);
                    Files.createDirectories(path);
                }
                permissions(path, e.getMode() | 0700);
            } else if (e.isSymbolicLink()) {
                delete(path);
                Files.createSymbolicLink(path, Path.of(e.getLinkName()));
            } else if (e.isLink()) {
                Path from = inside(root, e.getLinkName());
                delete(path);
                if (from != null && Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(from, path, StandardCopyOption.COPY_ATTRIBUTES);
                }
            } else if (e.isFile()) {
                delete(path);
                Files.copy(tar, path);
                permissions(path, e.getMode() | 0600);
            }
            // character and block devices and fifos: a process cannot use them without a container anyway
        }
    }

    /** {@code root}/{@code name}, or null when the name is the root or would leave it ("../", absolute tricks). */
    private static Path inside(Path root, String name) {
        String n = name.startsWith("./") ? name.substring(2) : name;
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        if (n.isEmpty() || n.equals(".")) {
            return null;
        }
        Path p = root.resolve(n).normalize();
        return p.startsWith(root) && !p.equals(root) ? p : null;
    }

    private static void permissions(Path path, int mode) throws IOException {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        Files.setPosixFilePermissions(path, perms);
    }

    private static void clear(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> children = Files.list(dir)) {
                for (Path c : children.toList()) {
                    delete(c);
                }
            }
        }
    }

    /** Deletes a file, link or whole folder (links are removed, never followed); absent is fine. */
    public static void delete(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
