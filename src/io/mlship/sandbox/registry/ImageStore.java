package io.mlship.sandbox.registry;

import io.mlship.sandbox.container.OciArchive;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The sandbox's registry target: a folder of image tars ({@code mlship build --tar DIR/images/NAME.tar}), found by
 * the digest deploys use ({@code repo@sha256:…}, the manifest digest in the tar's {@code index.json}). Tars are
 * read lazily and remembered by path, size and modification time, so a rebuilt tar is seen again.
 */
public final class ImageStore {
    private final Path dir;
    private final PrintStream log;
    private final Map<Path, Indexed> index = new ConcurrentHashMap<>();

    private record Indexed(long size, long modified, String digest) {
    }

    public ImageStore(Path dir, PrintStream log) {
        this.dir = dir;
        this.log = log;
    }

    public Path dir() {
        return dir;
    }

    /** The digest part of an image reference ({@code registry/repo@sha256:…}), if it has one. */
    public static Optional<String> digestOf(String imageReference) {
        int at = imageReference.lastIndexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(imageReference.substring(at + 1));
    }

    /** The tar holding the image with this manifest digest, or empty. */
    public Optional<OciArchive.Contents> find(String digest) {
        for (Map.Entry<Path, String> e : digests().entrySet()) {
            if (e.getValue().equals(digest)) {
                try {
                    return Optional.of(OciArchive.read(e.getKey()));
                } catch (IOException ex) {
                    log.println("[sandbox] cannot read image " + e.getKey() + ": " + ex.getMessage());
                }
            }
        }
        return Optional.empty();
    }

    /** Whether an image of this reference is in the folder (only references by digest can be). */
    public boolean has(String imageReference) {
        return digestOf(imageReference).map(d -> digests().containsValue(d)).orElse(false);
    }

    /** Every OCI image tar in the folder, by path, with its manifest digest; other files are left out. */
    public Map<Path, String> digests() {
        Map<Path, String> out = new java.util.TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> tars = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(".tar") && Files.isRegularFile(p)).forEach(tars::add);
        } catch (IOException e) {
            log.println("[sandbox] cannot list " + dir + ": " + e.getMessage());
            return out;
        }
        index.keySet().retainAll(tars);
        for (Path tar : tars) {
            try {
                long size = Files.size(tar);
                long modified = Files.getLastModifiedTime(tar).toMillis();
                Indexed known = index.get(tar);
                if (known == null || known.size() != size || known.modified() != modified) {
                    String digest = OciArchive.isOciLayout(tar) ? OciArchive.manifestDigest(tar) : "";
                    known = new Indexed(size, modified, digest);
                    index.put(tar, known);
                }
                if (!known.digest().isEmpty()) {
                    out.put(tar, known.digest());
                }
            } catch (IOException e) {
                // being written right now (build writes to a temporary name first), or not a tar
                log.println("[sandbox] skipping " + tar.getFileName() + ": " + e.getMessage());
            }
        }
        return out;
    }
}
