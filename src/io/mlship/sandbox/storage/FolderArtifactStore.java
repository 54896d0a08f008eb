package io.mlship.sandbox.storage;

import io.mlship.model.ArtifactStore;
import io.mlship.model.GcsUri;
import io.mlship.model.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/** The sandbox's Cloud Storage: objects are files below {@link LocalBuckets}, checksums CRC32C as GCS reports them. */
public final class FolderArtifactStore implements ArtifactStore {
    private final LocalBuckets buckets;

    public FolderArtifactStore(LocalBuckets buckets) {
        this.buckets = buckets;
    }

    @Override
    public List<StoredObject> list(GcsUri folder) {
        Path dir = buckets.resolve(folder.toString());
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<StoredObject> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = dir.relativize(f).toString().replace('\\', '/');
                out.add(new StoredObject(name, Files.size(f), crc32c(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        return out;
    }

    @Override
    public void copy(GcsUri from, GcsUri to) {
        Path src = buckets.resolve(from.toString());
        Path dst = buckets.resolve(to.toString());
        try {
            for (StoredObject o : list(from)) {
                Path target = dst.resolve(o.name());
                Files.createDirectories(target.getParent());
                Files.copy(src.resolve(o.name()), target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    /** Base64 of the big-endian CRC32C, the form Cloud Storage's {@code crc32c} field has. */
    static String crc32c(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                crc.update(buf, 0, n);
            }
        }
        long v = crc.getValue();
        byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        return Base64.getEncoder().encodeToString(b);
    }
}
