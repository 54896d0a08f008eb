package io.mlship.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.paging.Page;
import com.google.cloud.NoCredentials;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import io.mlship.sandbox.storage.StorageJsonApi;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads to the sandbox's Cloud Storage as the official Java client makes them — multipart ({@code create}),
 * resumable in chunks ({@code writer}) — and as the JSON API documents them on the wire ({@code uploadType=media},
 * a resumable session's 308 answers and status query), with checksums and preconditions enforced; and a
 * 5,000-object training output listed in pages. One server for the class.
 */
class StorageUploadsTest {
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    static Path root;
    static StorageJsonApi api;
    static Storage storage;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(root.resolve("ds-training-output"));
        api = StorageJsonApi.start(root, 0);
        storage = StorageOptions.newBuilder().setHost(api.url()).setProjectId("ds-ml-staging")
                .setCredentials(NoCredentials.getInstance()).build().getService();
    }

    @AfterAll
    static void stop() throws Exception {
        storage.close();
        api.close();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static String md5(byte[] content) throws Exception {
        return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(content));
    }

    @Test
    void createWritesTheFileAndAnswersTheObjectAsLaterReadsSeeIt() throws Exception {
        byte[] content = random(70_000, 1);
        Blob created = storage.create(BlobInfo.newBuilder("ds-training-output", "reco/v3/model.bin").build(), content);

        assertThat(Files.readAllBytes(root.resolve("ds-training-output/reco/v3/model.bin"))).isEqualTo(content);
        assertThat(created.getSize()).isEqualTo(content.length);
        assertThat(created.getMd5()).isEqualTo(md5(content));
        Blob read = storage.get(BlobId.of("ds-training-output", "reco/v3/model.bin"));
        assertThat(read.getGeneration()).isEqualTo(created.getGeneration());
        assertThat(read.getCrc32c()).isEqualTo(created.getCrc32c());

        Blob again = storage.create(BlobInfo.newBuilder("ds-training-output", "reco/v3/model.bin").build(), new byte[] {1});
        assertThat(again.getGeneration()).as("a new write is a new generation").isGreaterThan(created.getGeneration());
    }

    @Test
    void aWriterUploadsResumablyInSeveralChunks() throws Exception {
        byte[] content = random(3 * 256 * 1024 + 1234, 2);
        BlobInfo info = BlobInfo.newBuilder("ds-training-output", "reco/v3/vectors.bin").build();
        try (WriteChannel writer = storage.writer(info)) {
            writer.setChunkSize(256 * 1024); // the smallest chunk Cloud Storage takes: four requests
            for (int at = 0; at < content.length; at += 100_000) {
                writer.write(ByteBuffer.wrap(content, at, Math.min(100_000, content.length - at)));
            }
        }
        assertThat(Files.readAllBytes(root.resolve("ds-training-output/reco/v3/vectors.bin"))).isEqualTo(content);
        assertThat(storage.get(info.getBlobId()).getMd5()).isEqualTo(md5(content));
    }

    @Test
    void aChecksumThatDoesNotMatchTheBytesIsRefusedAndNothingIsWritten() {
        byte[] content = "weights".getBytes(StandardCharsets.UTF_8);
        BlobInfo wrong = BlobInfo.newBuilder("ds-training-output", "reco/v3/bad.bin").setMd5("1B2M2Y8AsgTpgAmY7PhCfg==").build();

        assertThatThrownBy(() -> storage.create(wrong, new ByteArrayInputStream(content), Storage.BlobWriteOption.md5Match()))
                .isInstanceOf(StorageException.class)
                .satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(400))
                .hasMessageContaining("doesn't match calculated MD5");
        assertThat(root.resolve("ds-training-output/reco/v3/bad.bin")).doesNotExist();
    }

    @Test
    void ifGenerationMatchZeroRefusesAnExistingObjectAndAMatchingGenerationReplacesIt() {
        BlobInfo info = BlobInfo.newBuilder("ds-training-output", "reco/v4/model.json").build();
        Blob first = storage.create(info, "{}".getBytes(StandardCharsets.UTF_8), Storage.BlobTargetOption.doesNotExist());

        assertThatThrownBy(() -> storage.create(info, "{\"b\": 1}".getBytes(StandardCharsets.UTF_8),
                Storage.BlobTargetOption.doesNotExist()))
                .isInstanceOf(StorageException.class)
                .satisfies(e -> assertThat(((StorageException) e).getCode()).isEqualTo(412));
        assertThatThrownBy(() -> {
            try (WriteChannel w = storage.writer(info, Storage.BlobWriteOption.doesNotExist())) {
                w.write(ByteBuffer.wrap(new byte[] {1}));
            }
        }).hasMessageContaining("412");

        Blob second = storage.create(first.toBuilder().build(), "{\"v\": 2}".getBytes(StandardCharsets.UTF_8),
                Storage.BlobTargetOption.generationMatch());
        assertThat(second.getGeneration()).isGreaterThan(first.getGeneration());
        assertThat(new String(storage.readAllBytes(info.getBlobId()), StandardCharsets.UTF_8)).isEqualTo("{\"v\": 2}");
    }

    @Test
    void theWireProtocolMediaUploadAndAResumableSessionWithStatusQueryAndARepeatedChunk() throws Exception {
        String base = api.url() + "/upload/storage/v1/b/ds-training-output/o";
        HttpResponse<String> media = send(HttpRequest.newBuilder(URI.create(base + "?uploadType=media&name=reco%2Fv5%2Fa.txt"))
                .POST(HttpRequest.BodyPublishers.ofString("alpha")));
        assertThat(media.statusCode()).as(media.body()).isEqualTo(200);
        assertThat(media.body()).contains("\"name\":\"reco/v5/a.txt\"").contains("\"size\":\"5\"");

        HttpResponse<String> begun = send(HttpRequest.newBuilder(URI.create(base + "?uploadType=resumable"))
                .header("Content-Type", "application/json; charset=UTF-8").header("X-Upload-Content-Length", "10")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"reco/v5/b.txt\"}")));
        assertThat(begun.statusCode()).isEqualTo(200);
        URI session = URI.create(begun.headers().firstValue("Location").orElseThrow());
        assertThat(session.getQuery()).contains("upload_id=");

        HttpResponse<String> status = put(session, "bytes */10", new byte[0]);
        assertThat(status.statusCode()).isEqualTo(308);
        assertThat(status.headers().firstValue("Range")).as("nothing received yet").isEmpty();
        HttpResponse<String> chunk = put(session, "bytes 0-5/*", "012345".getBytes(StandardCharsets.UTF_8));
        assertThat(chunk.statusCode()).isEqualTo(308);
        assertThat(chunk.headers().firstValue("Range")).hasValue("bytes=0-5");
        // The answer was lost: the client sends an overlapping chunk from what it knows; held bytes are skipped.
        HttpResponse<String> done = put(session, "bytes 4-9/10", "456789".getBytes(StandardCharsets.UTF_8));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("\"size\":\"10\"");
        assertThat(Files.readString(root.resolve("ds-training-output/reco/v5/b.txt"))).isEqualTo("0123456789");
        HttpResponse<String> again = put(session, "bytes */10", new byte[0]);
        assertThat(again.statusCode()).as("a finished session answers its object: " + again.body())
                .isEqualTo(200);

        HttpResponse<String> gap = put(URI.create(send(HttpRequest.newBuilder(URI.create(base
                + "?uploadType=resumable&name=reco%2Fv5%2Fc.txt")).POST(HttpRequest.BodyPublishers.noBody()))
                .headers().firstValue("Location").orElseThrow()), "bytes 5-9/10", new byte[5]);
        assertThat(gap.statusCode()).isEqualTo(400);
        assertThat(gap.body()).contains("received 0 bytes");
    }

    @Test
    void fiveThousandObjectsListInPagesOfAThousand() throws Exception {
        Path run = Files.createDirectories(root.resolve("ds-training-output/big-run/shards"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            String name = String.format("part-%05d.json", i);
            Files.writeString(run.resolve(name), Integer.toString(i));
            expected.add("big-run/shards/" + name);
        }
        List<String> names = new ArrayList<>();
        int pages = 0;
        for (Page<Blob> page = storage.list("ds-training-output", Storage.BlobListOption.prefix("big-run/"));
             page != null; page = page.getNextPage()) {
            pages++;
            List<String> these = new ArrayList<>();
            page.getValues().forEach(b -> these.add(b.getName()));
            assertThat(these).as("page " + pages).hasSize(1000);
            names.addAll(these);
        }
        assertThat(pages).isEqualTo(5);
        assertThat(names).isEqualTo(expected);
        assertThat(Arrays.asList(storage.list("ds-training-output", Storage.BlobListOption.prefix("big-run/"),
                Storage.BlobListOption.currentDirectory()).getValues().iterator().next().getName()))
                .containsExactly("big-run/shards/");
    }

    private static HttpResponse<String> put(URI session, String range, byte[] body) throws Exception {
        return send(HttpRequest.newBuilder(session).header("Content-Range", range)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }
}
