package io.mlship.model.state;

import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.mlship.model.GcsUri;
import io.mlship.result.MlshipException;
import io.mlship.state.Contention;
import io.mlship.state.StateConflict;
import io.mlship.state.StateObject;
import io.mlship.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Release state of a model-only spec in Cloud Storage: document {@code name} is the object
 * {@code <prefix><service>/<env>/<name>.json}. Its version is the object's generation; writes carry an
 * {@code ifGenerationMatch} precondition (0 for a document that must not exist yet), which Cloud Storage refuses
 * with 412 when another writer was first.
 */
public final class GcsStateStore implements StateStore {
    private static final String SUFFIX = ".json";
    /**
     * A document replaced between its metadata and its content is read again after a random pause (Cloud Storage
     * gives no generation with the content, so the two are two requests); busy writers can replace it several times.
     */
    private static final int READ_ATTEMPTS = Contention.ATTEMPTS;

    private final Storage storage;
    private final String bucket;
    private final String folder;

    /** The documents of {@code service} in {@code env} under {@code location} ({@code gs://bucket/prefix/}). */
    public GcsStateStore(Storage storage, GcsUri location, String service, String env) {
        this.storage = storage;
        this.bucket = location.bucket();
        this.folder = location.prefix() + service + "/" + env + "/";
    }

    @Override
    public Optional<StateObject> read(String name) {
        BlobId id = id(name);
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
            Blob blob = call("get", () -> storage.get(id));
            if (blob == null) {
                return Optional.empty();
            }
            Optional<StateObject> read = content(name, blob.getGeneration());
            if (read.isPresent()) {
                return read;
            }
            Contention.pause(attempt);
        }
        throw MlshipException.infrastructure("state document " + uri(id.getName()) + " changed under every one of "
                + READ_ATTEMPTS + " reads", "another release is writing it; retry", null);
    }

    @Override
    public StateObject write(String name, String content, String expectedVersion) {
        Long generation = expectedVersion == null ? null : generation(name, expectedVersion);
        BlobInfo info = BlobInfo.newBuilder(BlobId.of(bucket, folder + name + SUFFIX, generation))
                .setContentType("application/json").build();
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Storage.BlobTargetOption precondition = generation == null ? Storage.BlobTargetOption.doesNotExist()
                : Storage.BlobTargetOption.generationMatch();
        try {
            Blob stored = storage.create(info, bytes, precondition);
            return new StateObject(name, content, Long.toString(stored.getGeneration()));
        } catch (StorageException e) {
            if (e.getCode() == 412) {
                throw new StateConflict(uri(info.getName()) + (generation == null ? " exists already"
                        : " changed since it was read (or is gone)"));
            }
            throw failure(generation == null ? "create" : "update", e);
        }
    }

    @Override
    public void delete(String name) {
        call("delete", () -> storage.delete(id(name))); // false, not an error, when it is not there
    }

    @Override
    public List<StateObject> list(String prefix) {
        List<StateObject> out = new ArrayList<>();
        Iterable<Blob> blobs = call("list", () -> storage.list(bucket, Storage.BlobListOption.prefix(folder + prefix),
                Storage.BlobListOption.fields(Storage.BlobField.NAME, Storage.BlobField.GENERATION)).iterateAll());
        for (Blob blob : blobs) {
            String rest = blob.getName().substring(folder.length());
            if (!rest.endsWith(SUFFIX) || rest.contains("/")) {
                continue; // not a document of this environment
            }
            String name = rest.substring(0, rest.length() - SUFFIX.length());
            // The listed generation first; when it was replaced since, the document as it is now.
            content(name, blob.getGeneration()).or(() -> read(name)).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(StateObject::name));
        return out;
    }

    @Override
    public String where() {
        return "gs://" + bucket + "/" + folder;
    }

    /** The content of one generation, or empty when that generation is no longer the live one. */
    private Optional<StateObject> content(String name, Long generation) {
        BlobId at = BlobId.of(bucket, folder + name + SUFFIX, generation);
        try {
            byte[] bytes = storage.readAllBytes(at);
            return Optional.of(new StateObject(name, new String(bytes, StandardCharsets.UTF_8), Long.toString(generation)));
        } catch (StorageException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw failure("get", e);
        }
    }

    private Long generation(String name, String version) {
        try {
            return Long.parseLong(version);
        } catch (NumberFormatException e) {
            throw new StateConflict(uri(folder + name + SUFFIX) + " was not read from Cloud Storage (version " + version + ")");
        }
    }

    private BlobId id(String name) {
        return BlobId.of(bucket, folder + name + SUFFIX);
    }

    private String uri(String object) {
        return "gs://" + bucket + "/" + object;
    }

    private <T> T call(String verb, Supplier<T> request) {
        try {
            return request.get();
        } catch (StorageException e) {
            throw failure(verb, e);
        }
    }

    private MlshipException failure(String verb, StorageException e) {
        if (e.getCode() == 401 || e.getCode() == 403) {
            return MlshipException.badInput("Cloud Storage refused to " + verb + " release state " + where() + " ("
                    + e.getCode() + "): " + e.getMessage(),
                    "grant the agent's service account roles/storage.objectUser on gs://" + bucket
                            + " (storage.objects.get, list, create, delete)");
        }
        return MlshipException.infrastructure("could not " + verb + " release state " + where() + ": " + e.getMessage(),
                "check that Cloud Storage answers (gcloud storage ls " + where() + ") and retry", e);
    }
}
