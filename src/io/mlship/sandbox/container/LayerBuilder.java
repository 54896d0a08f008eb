package io.mlship.sandbox.container;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Collects the files of one image layer and writes them as an uncompressed tar that is the same, byte for byte,
 * whenever the content is: entries sorted by path, one fixed modification time, numeric owners only.
 */
public final class LayerBuilder {
    /** Layer entries carry this time (not 0, which some tools read as "unset"). */
    static final FileTime FIXED_TIME = FileTime.fromMillis(1000);

    private enum Kind { DIRECTORY, FILE, SYMLINK }

    private record Entry(Kind kind, int mode, int uid, int gid, Path source, byte[] content, String linkTarget) {
    }

    // Keys are paths without the leading '/'; a TreeMap puts every directory before what it holds.
    private final Map<String, Entry> entries = new TreeMap<>();

    /** A directory; its parents are added as 0755 root directories when not added otherwise. */
    public LayerBuilder directory(String path, int mode) {
        return directory(path, mode, 0, 0);
    }

    public LayerBuilder directory(String path, int mode, int uid, int gid) {
        put(path, new Entry(Kind.DIRECTORY, mode, uid, gid, null, null, null));
        return this;
    }

    /** A file whose content is read from {@code source} on this machine when the layer is written. */
    public LayerBuilder file(String path, Path source, int mode) {
        put(path, new Entry(Kind.FILE, mode, 0, 0, source, null, null));
        return this;
    }

    public LayerBuilder file(String path, byte[] content, int mode) {
        put(path, new Entry(Kind.FILE, mode, 0, 0, null, content.clone(), null));
        return this;
    }

    public LayerBuilder symlink(String path, String target) {
        put(path, new Entry(Kind.SYMLINK, 0777, 0, 0, null, null, target));
        return this;
    }

    /**
     * Copies the tree under {@code hostDir} to {@code containerDir}: regular files with {@code fileMode} (executable
     * files keep their execute bits as 0755), directories 0755, symbolic links as links. {@code include} filters
     * by host path; an excluded directory is skipped with everything in it.
     */
    public LayerBuilder tree(Path hostDir, String containerDir, int fileMode, Predicate<Path> include) {
        directory(containerDir, 0755);
        try (Stream<Path> children = Files.list(hostDir)) {
            for (Path child : children.sorted().toList()) {
                if (!include.test(child)) {
                    continue;
                }
                String target = join(containerDir, child.getFileName().toString());
                if (Files.isSymbolicLink(child)) {
                    symlink(target, Files.readSymbolicLink(child).toString());
                } else if (Files.isDirectory(child)) {
                    tree(child, target, fileMode, include);
                } else if (Files.isRegularFile(child)) {
                    file(target, child, Files.isExecutable(child) ? 0755 : fileMode);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + hostDir, e);
        }
        return this;
    }

    public boolean contains(String path) {
        return entries.containsKey(key(path));
    }

    public int size() {
        return entries.size();
    }

    /** Writes the layer tar to {@code out} and returns it with its digest (the image config's diff id). */
    public Layer writeTo(Path out) throws IOException {
        MessageDigest sha256 = sha256();
        try (OutputStream file = Files.newOutputStream(out);
             DigestOutputStream digesting = new DigestOutputStream(file, sha256);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(digesting)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                write(tar, e.getKey(), e.getValue());
            }
            tar.finish();
        }
        return new Layer(out, "sha256:" + HexFormat.of().formatHex(sha256.digest()), Files.size(out));
    }

    private static void write(TarArchiveOutputStream tar, String name, Entry entry) throws IOException {
        TarArchiveEntry header = switch (entry.kind()) {
            case DIRECTORY -> new TarArchiveEntry(name + "/", TarConstants.LF_DIR);
            case FILE -> new TarArchiveEntry(name, TarConstants.LF_NORMAL);
            case SYMLINK -> new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        };
        int type = switch (entry.kind()) {
            case DIRECTORY -> 0040000;
            case FILE -> 0100000;
            case SYMLINK -> 0120000;
        };
        header.setMode(type | entry.mode());
        header.setIds(entry.uid(), entry.gid());
        header.setNames("", "");
        header.setModTime(FIXED_TIME);
        if (entry.kind() == Kind.SYMLINK) {
            header.setLinkName(entry.linkTarget());
        }
        if (entry.kind() != Kind.FILE) {
            tar.putArchiveEntry(header);
            tar.closeArchiveEntry();
            return;
        }
        if (entry.content() != null) {
            header.setSize(entry.content().length);
            tar.putArchiveEntry(header);
            tar.write(entry.content());
        } else {
            if (!Files.isRegularFile(entry.source(), LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(entry.source() + " is not a regular file (for /" + name + ")");
            }
            header.setSize(Files.size(entry.source()));
            tar.putArchiveEntry(header);
            Files.copy(entry.source(), tar);
        }
        tar.closeArchiveEntry();
    }

    private void put(String path, Entry entry) {
        String key = key(path);
        if (key.isEmpty()) {
            return; // the root directory itself is never an entry
        }
        Entry existing = entries.get(key);
        if (existing != null && existing.kind() != entry.kind()) {
            throw new IllegalArgumentException("/" + key + " is added both as " + existing.kind() + " and as "
                    + entry.kind());
        }
        int slash = key.lastIndexOf('/');
        if (slash > 0) {
            Entry parent = entries.get(key.substring(0, slash));
            if (parent == null) {
                directory(key.substring(0, slash), 0755);
            } else if (parent.kind() != Kind.DIRECTORY) {
                throw new IllegalArgumentException("/" + key + " would be inside /" + key.substring(0, slash)
                        + ", which is a " + parent.kind() + " in this layer");
            }
        }
        // An explicit directory wins over one implied by a child; otherwise the last word counts.
        entries.put(key, entry);
    }

    private static String key(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.contains("//") || p.equals("..") || p.startsWith("../") || p.contains("/../") || p.endsWith("/..")) {
            throw new IllegalArgumentException("not a plain absolute path in a layer: " + path);
        }
        return p;
    }

    private static String join(String dir, String name) {
        return dir.endsWith("/") ? dir + name : dir + "/" + name;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
