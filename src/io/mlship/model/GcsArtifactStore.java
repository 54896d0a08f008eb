package io.mlship.model;

import com.google.api.gax.paging.Page;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.CopyWriter;
import com.google.cloud.storage.Storage;
import io.mlship.result.MlshipException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Cloud Storage through google-cloud-storage: metadata listing for checksums, rewrite calls for copies. */
public final class GcsArtifactStore implements ArtifactStore {
    private final Storage storage;

    public GcsArtifactStore(Storage storage) {
        this.storage = storage;
    }

    @Override
    public List<StoredObject> list(GcsUri folder) {
        List<StoredObject> out = new ArrayList<>();
        Page<Blob> page = storage.list(folder.bucket(), Storage.BlobListOption.prefix(folder.prefix()),
                Storage.BlobListOption.fields(Storage.BlobField.NAME, Storage.BlobField.SIZE, Storage.BlobField.CRC32C));
        for (Blob blob : page.iterateAll()) {
            if (blob.getName().endsWith("/")) {
                continue; // folder placeholder objects the console creates
            }
            out.add(new StoredObject(blob.getName().substring(folder.prefix().length()), blob.getSize(), blob.getCrc32c()));
        }
        out.sort(Comparator.comparing(StoredObject::name));
        return out;
    }

    @Override
    public Optional<byte[]> read(GcsUri folder, String name, int maxBytes) {
        Blob blob = storage.get(BlobId.of(folder.bucket(), folder.prefix() + name),
                Storage.BlobGetOption.fields(Storage.BlobField.NAME, Storage.BlobField.SIZE));
        if (blob == null) {
            return Optional.empty();
        }
        if (blob.getSize() != null && blob.getSize() > maxBytes) {
            throw MlshipException.badInput(folder + name + " has " + blob.getSize() + " bytes, more than the "
                    + maxBytes + " a metrics file may have", "keep only the metrics (name: number) in that file");
        }
        return Optional.of(storage.readAllBytes(BlobId.of(folder.bucket(), folder.prefix() + name)));
    }

    @Override
    public void copy(GcsUri from, GcsUri to) {
        for (StoredObject o : list(from)) {
            CopyWriter writer = storage.copy(Storage.CopyRequest.of(BlobId.of(from.bucket(), from.prefix() + o.name()),
                    BlobId.of(to.bucket(), to.prefix() + o.name())));
            while (!writer.isDone()) {
                writer.copyChunk(); // large objects are rewritten in several server-side steps
            }
        }
    }
}
