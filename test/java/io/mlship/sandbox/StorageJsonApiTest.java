package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.paging.Page;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.mlship.model.GcsArtifactStore;
import io.mlship.model.GcsUri;
import io.mlship.model.StoredObject;
import io.mlship.sandbox.storage.StorageJsonApi;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's Cloud Storage, judged by the official Java client and by mlship's production artifact store over
 * it: listing with prefixes, delimiters and pages, the checksums GCS reports, media, server-side copies.
 */
class StorageJsonApiTest {
    @TempDir
    Path root;
    StorageJsonApi api;
    Storage storage;

    @BeforeEach
    void start() throws Exception {
        write("ds-training-output/reco-ranker/v1/model.json", "{\"name\": \"reco\"}");
        write("ds-training-output/reco-ranker/v1/vectors/part-0.json", "[1, 2]");
        write("ds-training-output/reco-ranker/v10/model.json", "other");
        Files.createDirectories(root.resolve("ds-models"));
        api = StorageJsonApi.start(root, 0);
        storage = StorageOptions.newBuilder().setHost(api.url()).setProjectId("ds-ml-staging")
                .setCredentials(NoCredentials.getInstance()).build().getService();
    }

    @AfterEach
    void stop() throws Exception {
        storage.close();
        api.close();
    }

    void write(String path, String content) throws Exception {
        Path f = root.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
    }

    @Test
    void theProductionStoreListsWithTheChecksumsCloudStorageComputes() {
        GcsArtifactStore store = new GcsArtifactStore(storage);

        List<StoredObject> listed = store.list(GcsUri.parse("gs://ds-training-output/reco-ranker/v1/"));

        assertThat(listed).extracting(StoredObject::name).containsExactly("model.json", "vectors/part-0.json");
        CRC32C crc = new CRC32C();
        crc.update("[1, 2]".getBytes(StandardCharsets.UTF_8));
        long v = crc.getValue();
        String expected = java.util.Base64.getEncoder().encodeToString(
                new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        assertThat(listed.get(1).checksum()).isEqualTo(expected);
        assertThat(listed.get(1).size()).isEqualTo(6);
        assertThat(store.list(GcsUri.parse("gs://ds-training-output/reco-ranker/v9/"))).isEmpty();
    }

    @Test
    void theStoreCopiesServerSideAndTheClientReadsTheCopy() {
        new GcsArtifactStore(storage).copy(GcsUri.parse("gs://ds-training-output/reco-ranker/v1/"),
                GcsUri.parse("gs://ds-models/reco-ranker/"));

        assertThat(Files.exists(root.resolve("ds-models/reco-ranker/vectors/part-0.json"))).isTrue();
        assertThat(new String(storage.readAllBytes(BlobId.of("ds-models", "reco-ranker/model.json")), StandardCharsets.UTF_8))
                .isEqualTo("{\"name\": \"reco\"}");
        Blob blob = storage.get(BlobId.of("ds-models", "reco-ranker/model.json"));
        assertThat(blob.getMd5()).isNotEmpty();
        assertThat(blob.getGeneration()).isPositive();
    }

    @Test
    void listsPageAndFoldWithADelimiter() {
        List<String> names = new ArrayList<>();
        Page<Blob> page = storage.list("ds-training-output", Storage.BlobListOption.prefix("reco-ranker/"),
                Storage.BlobListOption.pageSize(1));
        assertThat(page.getNextPageToken()).as("one object a page").isNotEmpty();
        page.iterateAll().forEach(b -> names.add(b.getName()));
        assertThat(names).containsExactly("reco-ranker/v1/model.json", "reco-ranker/v1/vectors/part-0.json",
                "reco-ranker/v10/model.json");

        List<String> folders = new ArrayList<>();
        storage.list("ds-training-output", Storage.BlobListOption.prefix("reco-ranker/"),
                Storage.BlobListOption.currentDirectory()).iterateAll().forEach(b -> folders.add(b.getName()));
        assertThat(folders).containsExactly("reco-ranker/v1/", "reco-ranker/v10/");
    }

    @Test
    void aMissingBucketOrObjectIsNotFound() {
        assertThatThrownBy(() -> storage.list("no-such-bucket").iterateAll().iterator().hasNext())
                .isInstanceOf(StorageException.class).satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(404));
        assertThat(storage.get(BlobId.of("ds-models", "nothing"))).isNull();
        assertThatThrownBy(() -> storage.list("ds-models", Storage.BlobListOption.pageToken("not base64!")).getValues())
                .isInstanceOf(StorageException.class).satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(400));
    }
}
